using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Connections;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Connections;

/// <summary>
/// The slot every admission allocates, kept small by sharing one word among its flags: a release must still count
/// down once and only for its own connection, and no flag may undo another set at the same time.
/// </summary>
public sealed class ConnectionSlotTests
{
    private static readonly IPAddress Address = IPAddress.Parse("127.0.0.51");

    [Fact]
    public void Release_StaleCallAfterTheAddressIsAdmittedAgain_LeavesTheNewCountAlone()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=1\nCONNECTION_RATE_LIMIT=1000/s\n");
        var first = h.Manager.EvaluateAccept(Address).Slot!;
        first.Release();
        var second = h.Manager.EvaluateAccept(Address).Slot!;

        first.Release(); // a close path that runs again, late

        Assert.False(second.IsReleased);
        Assert.Equal(DenyReason.TooManyConnectionsFromIp, h.Manager.EvaluateAccept(Address).Decision.Reason);
        Assert.Same(second, Assert.Single(h.Manager.LiveConnections));
        second.Release();
        Assert.True(h.Manager.EvaluateAccept(Address).Allowed);
    }

    [Fact]
    public void Flags_SetFromManyThreadsAtOnce_NoneIsLostAndTheCountGoesBackOnce()
    {
        var time = new FakeTimeProvider();
        var policy = SecurityPolicy.Defaults with { MaxConnectionsPerIp = 100_000, ConnectionRateLimit = new RateLimit(1_000_000, TimeSpan.FromSeconds(1)) };
        var table = new ConnectionTable(() => policy, time, NullLogger.Instance);
        var key = IpAddressKey.From(Address);
        var state = table.StateFor(key, Address, policy)!;
        for (var round = 0; round < 200; round++)
        {
            Assert.Equal(DenyReason.None, state.TryOpen(policy, time.GetTimestamp(), time.TimestampFrequency, enforce: true));
            Assert.True(table.CountInbound(policy.MaxConnections));
            var slot = table.Open(state, Address, key, time.GetTimestamp(), outbound: false);
            var evicted = 0;
            slot.OnEvict(_ => Interlocked.Increment(ref evicted));
            var firstFleet = 0;

            Parallel.Invoke(
                () => { slot.NodeKey = TestKeys.Key(round); slot.Secured = true; },
                () => slot.Authenticated = true,
                () => slot.Force(SecurityDecision.Deny(DenyReason.PendingHandshakeEvicted)),
                () => Interlocked.Add(ref firstFleet, slot.FirstFleetEviction() ? 1 : 0),
                () => Interlocked.Add(ref firstFleet, slot.FirstFleetEviction() ? 1 : 0),
                slot.Release,
                slot.Release);

            Assert.True(slot.Secured);
            Assert.True(slot.Authenticated);
            Assert.Equal(TestKeys.Key(round), slot.NodeKey);
            Assert.Equal(DenyReason.PendingHandshakeEvicted, slot.ForcedReason);
            Assert.Equal(1, firstFleet);
            Assert.True(slot.IsReleased);
            Assert.False(slot.Outbound);
            Assert.Equal(0, state.Connections);
            Assert.Equal(0, table.InboundConnections);
            Assert.InRange(evicted, 0, 1); // evicted only if the force came before the release
        }
    }

    [Fact]
    public void NodeKey_ZeroKeyAndNone_AreToldApart()
    {
        using var h = new ManagerHarness(string.Empty);
        var slot = h.Manager.EvaluateAccept(Address).Slot!;
        Assert.Null(slot.NodeKey);

        slot.NodeKey = NodeKey.FromHash(new byte[32]);
        Assert.Equal(NodeKey.FromHash(new byte[32]), slot.NodeKey);

        slot.NodeKey = null;
        Assert.Null(slot.NodeKey);
        slot.Release();
    }

    [Fact]
    public void Outbound_IsKeptFromTheAdmission()
    {
        using var h = new ManagerHarness(string.Empty);

        var dialled = h.Manager.EvaluateAccept(Address, outbound: true).Slot!;
        var accepted = h.Manager.EvaluateAccept(Address).Slot!;

        Assert.True(dialled.Outbound);
        Assert.False(accepted.Outbound);
        dialled.Release();
        accepted.Release();
    }

    [Fact]
    public void Slot_TakesAtMost176Bytes()
    {
        // Every admission allocates one slot and nothing else (208 B before its flags were packed into one word).
        var time = new FakeTimeProvider();
        var table = new ConnectionTable(() => SecurityPolicy.Defaults, time, NullLogger.Instance);
        var key = IpAddressKey.From(Address);
        var state = table.StateFor(key, Address, SecurityPolicy.Defaults)!;
        _ = table.Open(state, Address, key, 0, outbound: true); // first use of the type, outside the count
        var slots = new ConnectionSlot[100];

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new ConnectionSlot(state, Address, key, i, 0, outbound: true);
        }
        var perSlot = (GC.GetAllocatedBytesForCurrentThread() - before) / slots.Length;

        Assert.InRange(perSlot, 1, 176);
    }
}
