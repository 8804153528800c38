using System.Net;
using DotNetty.Transport.Channels.Embedded;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>The one admission and the one release path shared by accepted and dialled connections.</summary>
public sealed class ConnectionAdmissionTests : IDisposable
{
    private readonly PipelineFixture _fixture = new();

    [Fact]
    public void Admit_Dialled_RefreshesThenAsksTheAcceptStageAsOutbound()
    {
        _fixture.Gate.OnAccept = (_, outbound) => new AcceptResult(SecurityDecision.Deny(outbound ? DenyReason.Lockdown : DenyReason.IpBlocked), null);

        var result = ConnectionAdmission.Admit(_fixture.Gate, IPAddress.Loopback, outbound: true);

        Assert.Equal(DenyReason.Lockdown, result.Decision.Reason);
        Assert.Equal(["refresh", "dial"], _fixture.Gate.Calls);
    }

    [Fact]
    public async Task ReleaseOnClose_ChannelCloses_ReleasesTheSlotOnce()
    {
        var slot = _fixture.NewSlot();
        var channel = new EmbeddedChannel();
        ConnectionAdmission.ReleaseOnClose(channel, slot);
        Assert.False(slot.IsReleased);

        await channel.CloseAsync();

        Assert.True(slot.IsReleased);
        Assert.Equal(0, _fixture.Manager.InboundConnections);
    }

    public void Dispose() => _fixture.Dispose();
}
