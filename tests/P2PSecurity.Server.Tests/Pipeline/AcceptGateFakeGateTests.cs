using System.Net;
using DotNetty.Transport.Channels.Embedded;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>The accept gate on the server channel, against a fake gate: refused children are closed, admitted ones carry their slot.</summary>
[Trait("Tier", "Pipeline")]
public sealed class AcceptGateFakeGateTests : IDisposable
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
        Assert.Equal(["accept_async"], _fixture.Gate.Calls); // the stage that looks for changes first, then decides
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
        Assert.Empty(_fixture.Gate.Calls);
        server.FinishAndReleaseAll();
    }

    [Fact]
    public void Read_DecisionWaitsForAReload_ChildWaitsThenIsClosedOnTheLoopWhenRefused()
    {
        var later = new TaskCompletionSource<AcceptResult>();
        _fixture.Gate.Pending = later.Task;
        var server = new EmbeddedChannel(new AcceptGateHandler(_fixture.Gate, _fixture.Time));
        var child = new AddressedChannel(Peer);

        server.WriteInbound(child);
        Assert.True(child.Open); // waiting: neither admitted nor refused yet

        later.SetResult(new AcceptResult(SecurityDecision.Deny(DenyReason.IpBlocked), null));
        server.RunPendingTasks();

        Assert.False(child.Open);
        Assert.Null(server.ReadInbound<object>());
        server.FinishAndReleaseAll();
    }

    public void Dispose() => _fixture.Dispose();
}
