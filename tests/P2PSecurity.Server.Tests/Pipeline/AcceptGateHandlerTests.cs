using System.Net;
using DotNetty.Transport.Channels.Embedded;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>The accept gate on the server channel, against a fake gate: refused children are closed, admitted ones carry their slot.</summary>
public sealed class AcceptGateHandlerTests : IDisposable
{
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("127.0.0.31"), 40_000);
    private readonly PipelineFixture _fixture = new();

    [Fact]
    public void Read_GateRefuses_ClosesTheChildAndPassesNothingOn()
    {
        _fixture.Gate.OnAccept = (_, _) => new AcceptResult(SecurityDecision.Deny(DenyReason.IpBlocked), null);
        var server = new EmbeddedChannel(new AcceptGateHandler(_fixture.Gate, _fixture.Time));
        var child = new AddressedChannel(Peer);

        server.WriteInbound(child);

        Assert.False(child.Open);
        Assert.Null(server.ReadInbound<object>());
        Assert.Equal(["refresh", "accept"], _fixture.Gate.Calls); // the sources look for changes before the decision
        server.FinishAndReleaseAll();
    }

    [Fact]
    public async Task Read_GateAdmits_HandsTheSlotOnAndReleasesItWhenTheChildCloses()
    {
        var slot = _fixture.NewSlot();
        IPAddress? asked = null;
        _fixture.Gate.OnAccept = (remote, outbound) =>
        {
            asked = remote;
            Assert.False(outbound);
            return new AcceptResult(SecurityDecision.Allow, slot);
        };
        var server = new EmbeddedChannel(new AcceptGateHandler(_fixture.Gate, _fixture.Time));
        var child = new AddressedChannel(Peer);

        server.WriteInbound(child);

        Assert.Same(child, server.ReadInbound<AddressedChannel>());
        Assert.Equal(Peer.Address, asked);
        Assert.Same(slot, child.GetAttribute(ChannelAttributes.Slot).Get());
        Assert.NotNull(child.GetAttribute(ChannelAttributes.AcceptedAt).Get());
        Assert.True(child.Open);
        Assert.False(slot.IsReleased);

        await child.CloseAsync();

        Assert.True(slot.IsReleased);
        server.FinishAndReleaseAll();
    }

    [Fact]
    public void Read_ChildWithoutAnAddress_IsClosedWithoutAskingTheGate()
    {
        _fixture.Gate.OnAccept = (_, _) => throw new InvalidOperationException("must not be asked");
        var server = new EmbeddedChannel(new AcceptGateHandler(_fixture.Gate, _fixture.Time));
        var child = new AddressedChannel(null);

        server.WriteInbound(child);

        Assert.False(child.Open);
        Assert.Null(server.ReadInbound<object>());
        Assert.DoesNotContain("accept", _fixture.Gate.Calls);
        server.FinishAndReleaseAll();
    }

    public void Dispose() => _fixture.Dispose();
}
