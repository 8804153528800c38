using System.Net;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>MAX_PENDING_HANDSHAKES: a new connection over the cap pushes out the oldest handshake of the busiest address.</summary>
public sealed class PendingHandshakeTests
{
    private const string Roomy = "MAX_CONNECTIONS_PER_IP=100\nCONNECTION_RATE_LIMIT=10000\n";

    private static IPAddress Ip(string text) => IPAddress.Parse(text);

    private static DenyReason? Evicted(List<(ConnectionSlot Slot, DenyReason Reason)> log, ConnectionSlot slot) =>
        log.Where(e => ReferenceEquals(e.Slot, slot)).Select(e => (DenyReason?)e.Reason).SingleOrDefault();

    private static ConnectionSlot Open(SecurityManager manager, string ip, List<(ConnectionSlot, DenyReason)> evictions)
    {
        var slot = manager.OnNewConnection(Ip(ip)).Slot!;
        slot.OnEvict(d => evictions.Add((slot, d.Reason)));
        return slot;
    }

    [Fact]
    public void Evaluate_PendingCapReached_EvictsOldestOfTheBusiestAddressAndAdmitsTheNewcomer()
    {
        using var h = new ManagerHarness(Roomy + "MAX_PENDING_HANDSHAKES=4\n");
        var evictions = new List<(ConnectionSlot Slot, DenyReason Reason)>();
        var a1 = Open(h.Manager, "10.0.0.1", evictions);
        var b1 = Open(h.Manager, "10.0.0.2", evictions);
        var a2 = Open(h.Manager, "10.0.0.1", evictions);
        var a3 = Open(h.Manager, "10.0.0.1", evictions);

        var newcomer = h.Manager.OnNewConnection(Ip("10.0.0.3"));

        Assert.True(newcomer.Allowed);
        Assert.Equal(DenyReason.PendingHandshakeEvicted, Evicted(evictions, a1));
        Assert.Single(evictions);
        Assert.Equal(4, h.Manager.PendingHandshakes);
        Assert.Equal(DenyReason.PendingHandshakeEvicted, h.Manager.EvaluateEviction(a1).Reason);
        Assert.True(h.Manager.EvaluateEviction(b1).Allowed);
        Assert.Equal("pending_handshake_evicted", DenyReason.PendingHandshakeEvicted.Code());
        Assert.Equal(7, (int)DenyReason.PendingHandshakeEvicted);
        Assert.Equal(1, h.Manager.RefusalCounts[DenyReason.PendingHandshakeEvicted]);
        GC.KeepAlive((a2, a3));
    }

    [Fact]
    public void Evaluate_FloodFromManyAddresses_EvictsTheOldestAndNeverTheNewcomer()
    {
        using var h = new ManagerHarness(Roomy + "MAX_PENDING_HANDSHAKES=3\n");
        var evictions = new List<(ConnectionSlot Slot, DenyReason Reason)>();
        var flood = Enumerable.Range(1, 3).Select(i => Open(h.Manager, $"127.1.0.{i}", evictions)).ToList();

        var allowedNode = Open(h.Manager, "127.2.0.1", evictions);
        var twoMore = Enumerable.Range(4, 2).Select(i => Open(h.Manager, $"127.1.0.{i}", evictions)).ToList();

        Assert.Equal([flood[0], flood[1], flood[2]], evictions.Select(e => e.Slot));
        Assert.Null(Evicted(evictions, allowedNode));
        Assert.Equal(3, h.Manager.PendingHandshakes);
        GC.KeepAlive(twoMore);
    }

    [Fact]
    public void Evaluate_FloodAfterAHandshakePassedTls_EvictsTheOnesStillInTlsFirst()
    {
        using var h = new ManagerHarness(Roomy + "MAX_PENDING_HANDSHAKES=3\n");
        var evictions = new List<(ConnectionSlot Slot, DenyReason Reason)>();
        var allowedNode = Open(h.Manager, "127.2.0.1", evictions); // the oldest of all
        var flood = Enumerable.Range(1, 2).Select(i => Open(h.Manager, $"127.1.0.{i}", evictions)).ToList();
        Assert.True(h.Manager.EvaluateSecured(allowedNode, TestKeys.Key(1)).Allowed);

        var more = Enumerable.Range(3, 2).Select(i => Open(h.Manager, $"127.1.0.{i}", evictions)).ToList();

        Assert.Equal([flood[0], flood[1]], evictions.Select(e => e.Slot));
        Assert.Null(Evicted(evictions, allowedNode));
        // Its turn still comes: a slot past TLS is renewed once, not kept for ever.
        var last = Open(h.Manager, "127.1.0.5", evictions);
        Assert.Equal(DenyReason.PendingHandshakeEvicted, Evicted(evictions, allowedNode));
        Assert.Equal(3, h.Manager.PendingHandshakes);
        GC.KeepAlive((more, last));
    }

    [Fact]
    public void Evaluate_BusiestGroupWithASlotPastTls_EvictsTheGroupsOtherSlotFirst()
    {
        using var h = new ManagerHarness(Roomy + "MAX_PENDING_HANDSHAKES=3\n");
        var evictions = new List<(ConnectionSlot Slot, DenyReason Reason)>();
        var first = Open(h.Manager, "2001:db8:1:2::1", evictions);
        var second = Open(h.Manager, "2001:db8:1:2::2", evictions); // the same /64: one group of two
        var other = Open(h.Manager, "10.0.0.1", evictions);
        Assert.True(h.Manager.EvaluateSecured(first, TestKeys.Key(1)).Allowed);

        var newcomer = Open(h.Manager, "10.0.0.2", evictions);

        Assert.Equal(DenyReason.PendingHandshakeEvicted, Assert.Single(evictions).Reason);
        Assert.Same(second, evictions[0].Slot);
        GC.KeepAlive((other, newcomer));
    }

    [Fact]
    public void EvaluateNode_Welcomed_LeavesThePendingCount()
    {
        using var h = new ManagerHarness(Roomy + "MAX_PENDING_HANDSHAKES=2\n");
        var evictions = new List<(ConnectionSlot Slot, DenyReason Reason)>();
        var welcomed = Open(h.Manager, "10.0.0.1", evictions);
        Assert.True(h.Manager.EvaluateNode(welcomed, TestKeys.Key(1), networkKeyProven: false).Allowed);

        var others = Enumerable.Range(2, 4).Select(i => Open(h.Manager, $"10.0.0.{i}", evictions)).ToList();

        Assert.Null(Evicted(evictions, welcomed));
        Assert.Equal(2, h.Manager.PendingHandshakes);
        Assert.Equal(5, h.Manager.InboundConnections);
        GC.KeepAlive(others);
    }

    [Fact]
    public void EvictionCheck_VictimWithoutItsCallbackYet_IsStillRefusedAndCannotBeWelcomed()
    {
        using var h = new ManagerHarness(Roomy + "MAX_PENDING_HANDSHAKES=1\n");
        var early = h.Manager.OnNewConnection(Ip("10.0.0.1")).Slot!; // no eviction callback: its pipeline is not built yet

        var later = h.Manager.OnNewConnection(Ip("10.0.0.2")).Slot!;

        Assert.Equal(DenyReason.PendingHandshakeEvicted, h.Manager.EvaluateEviction(early).Reason);
        Assert.Equal(DenyReason.PendingHandshakeEvicted, h.Manager.EvaluateNode(early, TestKeys.Key(1), false).Reason);
        Assert.False(early.Authenticated);
        Assert.True(h.Manager.EvaluateNode(later, TestKeys.Key(2), false).Allowed);
        early.Release();
        later.Release();
        Assert.Equal(0, h.Manager.PendingHandshakes);
        Assert.Equal(0, h.Manager.InboundConnections);
    }

    [Fact]
    public void Evaluate_RandomOpensWelcomesAndCloses_VictimIsAlwaysTheOldestOfALargestGroup()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=100000\nCONNECTION_RATE_LIMIT=100000\nMAX_PENDING_HANDSHAKES=16\n");
        var random = new Random(7);
        var pending = new List<(ConnectionSlot Slot, int Group)>(); // the model, oldest first
        var open = new List<ConnectionSlot>();
        ConnectionSlot? victim = null;
        var evicted = 0;
        for (var step = 0; step < 5000; step++)
        {
            var roll = random.Next(10);
            if (roll < 6 || open.Count == 0)
            {
                var group = random.Next(1 + random.Next(12)); // a few busy groups, some quiet ones
                var before = pending.ToList();
                var slot = h.Manager.OnNewConnection(Ip($"10.1.0.{group}")).Slot!;
                slot.OnEvict(_ => victim = slot);
                open.Add(slot);
                pending.Add((slot, group));
                if (victim is { } v)
                {
                    var counts = pending.GroupBy(p => p.Group).ToDictionary(g => g.Key, g => g.Count());
                    var victimGroup = pending.Single(p => ReferenceEquals(p.Slot, v)).Group;
                    Assert.Equal(counts.Values.Max(), counts[victimGroup]);
                    Assert.Same(pending.First(p => p.Group == victimGroup).Slot, v);
                    Assert.NotSame(slot, v);
                    pending.RemoveAll(p => ReferenceEquals(p.Slot, v));
                    victim = null;
                    evicted++;
                    Assert.Equal(17, before.Count + 1);
                }
            }
            else
            {
                var slot = open[random.Next(open.Count)];
                if (roll < 8 && !slot.Authenticated && slot.ForcedReason == DenyReason.None)
                {
                    Assert.True(h.Manager.EvaluateNode(slot, TestKeys.Key(step), false).Allowed);
                }
                else
                {
                    slot.Release();
                    open.Remove(slot);
                }
                pending.RemoveAll(p => ReferenceEquals(p.Slot, slot));
            }
            Assert.Equal(pending.Count, h.Manager.PendingHandshakes);
        }
        Assert.InRange(evicted, 100, 5000); // the cap was reached often enough to test the choice
    }
}
