using DotNetty.Transport.Channels.Embedded;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>The one release path shared by accepted and dialled connections.</summary>
[Trait("Tier", "Pipeline")]
public sealed class ConnectionAdmissionTests : IDisposable
{
    private readonly PipelineFixture _fixture = new();

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
