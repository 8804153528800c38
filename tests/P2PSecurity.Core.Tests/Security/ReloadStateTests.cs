using System.Net;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>State (counts, buckets, live connections) survives a reload; the new limits apply to it at once.</summary>
public sealed class ReloadStateTests
{
    private static readonly IPAddress Ip = IPAddress.Parse("10.0.0.7");

    [Fact]
    public void Reload_UnrelatedChange_RateLimitStateSurvives()
    {
        using var h = new ManagerHarness("CONNECTION_RATE_LIMIT=3/min\nMAX_CONNECTIONS_PER_IP=50\n");
        for (var i = 0; i < 3; i++)
        {
            Assert.True(h.Manager.OnNewConnection(Ip).Allowed);
        }

        Assert.Equal(ReloadOutcome.Applied, h.Apply("CONNECTION_RATE_LIMIT=3/min\nMAX_CONNECTIONS_PER_IP=50\nBLOCKED_IP_ADDRESSES=192.0.2.1\n").Outcome);

        Assert.Equal(DenyReason.ConnectionRateExceeded, h.Manager.OnNewConnection(Ip).Decision.Reason);
    }

    [Fact]
    public void Reload_LoweredConnectionRate_AppliesToLiveStateAtOnce()
    {
        using var h = new ManagerHarness("CONNECTION_RATE_LIMIT=10/min\nMAX_CONNECTIONS_PER_IP=50\n");
        for (var i = 0; i < 5; i++)
        {
            Assert.True(h.Manager.OnNewConnection(Ip).Allowed);
        }

        h.Apply("CONNECTION_RATE_LIMIT=3/min\nMAX_CONNECTIONS_PER_IP=50\n");

        // Five already came in this minute: at 3/min there is no room left.
        Assert.Equal(DenyReason.ConnectionRateExceeded, h.Manager.OnNewConnection(Ip).Decision.Reason);
        h.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(h.Manager.OnNewConnection(Ip).Allowed);
    }

    [Fact]
    public void Reload_LoweredMaxConnections_AppliesToLiveCounts()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=5\nCONNECTION_RATE_LIMIT=100\n");
        var slots = Enumerable.Range(0, 3).Select(_ => h.Manager.OnNewConnection(Ip).Slot!).ToList();

        h.Apply("MAX_CONNECTIONS_PER_IP=2\nCONNECTION_RATE_LIMIT=100\n");

        Assert.Equal(DenyReason.TooManyConnectionsFromIp, h.Manager.OnNewConnection(Ip).Decision.Reason);
        Assert.Equal(3, h.Manager.LiveConnections.Count); // counts are for new connections; nobody is evicted for them
        slots[0].Release();
        Assert.Equal(DenyReason.TooManyConnectionsFromIp, h.Manager.OnNewConnection(Ip).Decision.Reason);
        slots[1].Release();
        Assert.True(h.Manager.OnNewConnection(Ip).Allowed);
    }

    [Fact]
    public void Reload_LoweredMessageRate_AppliesAtOnce()
    {
        using var h = new ManagerHarness("MESSAGE_RATE_LIMIT=100/min\n");
        var slot = h.Manager.OnNewConnection(Ip).Slot!;
        for (var i = 0; i < 10; i++)
        {
            Assert.True(h.Manager.EvaluateMessage(slot).Allowed);
        }

        h.Apply("MESSAGE_RATE_LIMIT=10/min\n");

        Assert.Equal(DenyReason.MessageRateExceeded, h.Manager.EvaluateMessage(slot).Reason);
    }

    [Fact]
    public void Reload_RefusesLiveSlots_InvokesTheirEvictionCallbacks()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=10\nCONNECTION_RATE_LIMIT=100\n");
        var evicted = new List<(string Who, DenyReason Reason)>();
        ConnectionSlot Open(string who, string ip, int? key)
        {
            var slot = h.Manager.OnNewConnection(IPAddress.Parse(ip)).Slot!;
            Assert.True(h.Manager.EvaluateNode(slot, key is { } k ? TestKeys.Key(k) : null, true).Allowed || key is null);
            slot.OnEvict(d =>
            {
                lock (evicted)
                {
                    evicted.Add((who, d.Reason));
                }
            });
            return slot;
        }

        Open("blocked-ip", "192.0.2.7", 1);
        Open("blocked-range", "::ffff:198.51.100.9", 2);
        Open("blocked-key", "10.0.0.3", 3);
        Open("not-allowed", "10.0.0.4", 4);
        Open("allowed", "10.0.0.5", 5);
        Open("released", "192.0.2.7", 6).Release();

        var result = h.Apply($"MAX_CONNECTIONS_PER_IP=10\nCONNECTION_RATE_LIMIT=100\nBLOCKED_IP_ADDRESSES=192.0.2.7,198.51.100.0/24\n" +
            $"BLOCKED_NODE_KEYS={TestKeys.Hex(3)}\nALLOWED_NODE_KEYS={TestKeys.Hex(1)},{TestKeys.Hex(2)},{TestKeys.Hex(3)},{TestKeys.Hex(5)}\n");

        Assert.Equal(4, result.SessionsClosed);
        Assert.Equal(
            [("blocked-ip", DenyReason.IpBlocked), ("blocked-key", DenyReason.NodeBlocked), ("blocked-range", DenyReason.IpBlocked), ("not-allowed", DenyReason.NodeNotAllowed)],
            evicted.OrderBy(e => e.Who, StringComparer.Ordinal));
        Assert.Equal(4, h.Logger.WithEvent(2003).Count);
    }

    [Fact]
    public void Reload_EvictionOff_LeavesLiveSlots()
    {
        using var h = new ManagerHarness("EVICT_ON_POLICY_CHANGE=false\n");
        var slot = h.Manager.OnNewConnection(IPAddress.Parse("192.0.2.7")).Slot!;
        var calls = 0;
        slot.OnEvict(_ => Interlocked.Increment(ref calls));

        var result = h.Apply("EVICT_ON_POLICY_CHANGE=false\nBLOCKED_IP_ADDRESSES=192.0.2.7\n");

        Assert.Equal(0, result.SessionsClosed);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void PolicyChanged_IsRaisedWithBeforeAndAfter()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n");
        PolicyChangedEventArgs? seen = null;
        h.Manager.PolicyChanged += (_, e) => seen = e;

        h.Apply("MAX_CONNECTIONS_PER_IP=4\n");

        Assert.NotNull(seen);
        Assert.Equal(3, seen.Before.MaxConnectionsPerIp);
        Assert.Equal(4, seen.After.MaxConnectionsPerIp);
        Assert.Same(h.Manager.Policy, seen.After);
        Assert.Equal(2, seen.Result.Revision);
    }

    [Fact]
    public void Sweep_IdleAddresses_AreForgottenButLiveOnesKept()
    {
        using var h = new ManagerHarness("CONNECTION_RATE_LIMIT=10/min\n");
        h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.1")).Slot!.Release();
        var live = h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.2")).Slot!;
        Assert.Equal(2, h.Manager.TrackedAddresses);

        h.Time.Advance(TimeSpan.FromMinutes(2)); // buckets refill; the sweeper timer runs

        Assert.Equal(1, h.Manager.TrackedAddresses);
        live.Release();
        Assert.True(h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.1")).Allowed);
    }
}
