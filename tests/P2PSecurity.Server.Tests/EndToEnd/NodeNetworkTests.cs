using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Status;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>BOOTSTRAP_ADDRESSES: two servers on one machine form a network.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class NodeNetworkTests : IDisposable
{
    private readonly TempFolder _first = new();
    private readonly TempFolder _second = new();

    [Fact]
    public async Task Bootstrap_TwoServers_FormANetworkAndRelayBroadcastsOnce()
    {
        using var a = TestIdentities.Create();
        using var b = TestIdentities.Create();
        await using var s1 = await TestServer.StartAsync(_first, "");
        await using var s2 = await TestServer.StartAsync(_second, $"BOOTSTRAP_ADDRESSES=127.0.0.1:{s1.Port}#{s1.Identity.NodeKey}\n");
        await Wait.UntilAsync(() => s1.Sessions.Count == 1 && s2.Status.OutboundPeers.Single().State == OutboundPeerState.Connected,
            "the bootstrap link");
        var link = Assert.Single(s2.Status.OutboundPeers);
        Assert.Equal(OutboundPeerState.Connected, link.State);
        Assert.Equal(s1.Identity.NodeKey, link.ConnectedKey);
        Assert.Equal(s2.Identity.NodeKey, Assert.Single(s1.Status.Sessions).NodeKey);

        await using var ca = await s1.ConnectWelcomedAsync(a, "127.0.0.50");
        await using var cb = await s2.ConnectWelcomedAsync(b, "127.0.0.51");
        var fromA = BroadcastSigning.Create(a, [1], sign: true);
        var fromB = BroadcastSigning.Create(b, [2], sign: true);
        var marker = BroadcastSigning.Create(a, [3], sign: true);
        await ca.SendAsync(fromA, TestContext.Current.CancellationToken);
        await ca.SendAsync(marker, TestContext.Current.CancellationToken);
        await cb.SendAsync(fromB, TestContext.Current.CancellationToken);

        Assert.Equal(fromA.Id, (await cb.ReceiveAsync<BroadcastMessage>()).Id);
        Assert.Equal(marker.Id, (await cb.ReceiveAsync<BroadcastMessage>()).Id);
        Assert.Equal(fromB.Id, (await ca.ReceiveAsync<BroadcastMessage>()).Id);
    }

    [Fact]
    public async Task Bootstrap_PinnedKeyMismatch_DoesNotConnect()
    {
        using var someoneElse = TestIdentities.Create();
        await using var s1 = await TestServer.StartAsync(_first, "");
        await using var s2 = await TestServer.StartAsync(_second, $"BOOTSTRAP_ADDRESSES=127.0.0.1:{s1.Port}#{someoneElse.NodeKey}\n");

        await Wait.UntilAsync(() => s2.Status.OutboundPeers.Single().LastError is not null, "the dial to fail");

        var peer = s2.Status.OutboundPeers.Single();
        Assert.NotEqual(OutboundPeerState.Connected, peer.State);
        Assert.Contains("pinned", peer.LastError, StringComparison.Ordinal);
        Assert.Empty(s2.Sessions.Sessions);
        await Wait.UntilAsync(() => s1.Sessions.Count == 0 && s1.Manager.LiveConnections.Count == 0, "s1 to drop the refused link");
    }

    [Fact]
    public async Task Bootstrap_RemoteNodeBlockedHere_IsRefusedByTheDialer()
    {
        await using var s1 = await TestServer.StartAsync(_first, "");
        await using var s2 = await TestServer.StartAsync(_second, $"BLOCKED_NODE_KEYS={s1.Identity.NodeKey}\nBOOTSTRAP_ADDRESSES=127.0.0.1:{s1.Port}\n");

        await Wait.UntilAsync(() => s2.Status.OutboundPeers.Single().LastError is not null, "the dial to fail");

        Assert.Contains("BLOCKED_NODE_KEYS", s2.Status.OutboundPeers.Single().LastError, StringComparison.Ordinal);
        Assert.Empty(s2.Sessions.Sessions);
    }

    [Fact]
    public async Task Bootstrap_RemoteNodeBlockedHere_IsRefusedBeforeTheDialerAnswersItsHello()
    {
        await using var s1 = await TestServer.StartAsync(_first, "");
        var welcomedByS1 = 0;
        s1.Sessions.Opened += _ => Interlocked.Increment(ref welcomedByS1);
        await using var s2 = await TestServer.StartAsync(_second, $"BLOCKED_NODE_KEYS={s1.Identity.NodeKey}\nBOOTSTRAP_ADDRESSES=127.0.0.1:{s1.Port}\n");

        await Wait.UntilAsync(() => s2.Status.OutboundPeers.Single().LastError is not null, "the dial to fail");
        await Wait.UntilAsync(() => s1.Manager.LiveConnections.Count == 0, "s1 to drop the refused link");

        // s2 judged s1's key when it had its ServerHello and sent a Refusal in place of a ClientHello: s1 never
        // welcomed it, and did not take that Refusal for a protocol violation.
        Assert.Equal(0, Volatile.Read(ref welcomedByS1));
        Assert.DoesNotContain("node_welcomed", _first.ReadLog(), StringComparison.Ordinal);
        Assert.Equal(0, s1.Manager.RefusalCounts.GetValueOrDefault(DenyReason.ProtocolViolation));
        Assert.True(s2.Manager.RefusalCounts.GetValueOrDefault(DenyReason.NodeBlocked) > 0);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}
