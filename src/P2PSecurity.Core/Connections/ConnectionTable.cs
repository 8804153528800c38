using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Connections;

/// <summary>
/// The connection state, apart from the policy: per-address counts and token buckets (<see cref="IpState"/>), the
/// live slots, the pending handshakes, the inbound count (MAX_CONNECTIONS), the sweep that forgets what remembers
/// nothing. It survives every reload; the limits it is checked against come from the view of each decision.
/// </summary>
/// <remarks>
/// The per-address table is bounded: a state is made for a new address only while the table holds fewer than
/// <see cref="TrackedAddressLimit"/>. A state that holds a connection is never dropped (there are at most
/// MAX_CONNECTIONS of those, plus the dialled ones), so the rest of the room is rate memory: states without a
/// connection whose buckets are still refilling. The 10 s sweep drops the refilled ones; a full table asks for a
/// sweep at once that also forgets rate memory, down to three quarters of the limit.
/// <para>
/// One release path: every slot, accepted or dialled, gives its count back through <see cref="Release"/>, called
/// once by <see cref="ConnectionSlot.Release"/> however often the transport's close path runs.
/// </para>
/// </remarks>
internal sealed class ConnectionTable(Func<SecurityPolicy> policy, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<UInt128, IpState> _ips = new();
    private readonly PendingHandshakes _pending = new();
    private long _nextSlotId;
    private int _inbound;
    private int _tracked;
    private int _makingRoom;
    private int _trackedLimitOverride;

    public TimeProvider Time => time;

    /// <summary>Per-address states held (for tests of the sweeper and for memory bounds).</summary>
    public int TrackedAddresses => Volatile.Read(ref _tracked);

    /// <summary>Inbound connections holding a slot now (MAX_CONNECTIONS counts these).</summary>
    public int InboundConnections => Volatile.Read(ref _inbound);

    /// <summary>Inbound connections not welcomed yet (MAX_PENDING_HANDSHAKES counts these).</summary>
    public int PendingHandshakes => _pending.Count;

    /// <summary>The table's size limit: twice MAX_CONNECTIONS, and at least 65,536 (300-380 bytes an entry: about 25 MiB, see README).</summary>
    public int TrackedAddressLimit(SecurityPolicy policy)
    {
        var forTests = Volatile.Read(ref _trackedLimitOverride);
        return forTests > 0 ? forTests : Math.Max(2 * policy.MaxConnections, 65_536);
    }

    /// <summary>Tests set a small table limit; 0 means the policy's.</summary>
    public int TrackedAddressLimitOverride
    {
        get => Volatile.Read(ref _trackedLimitOverride);
        set => Volatile.Write(ref _trackedLimitOverride, value);
    }

    /// <summary>Counts one more inbound connection; false when that is over <paramref name="max"/> (the count stays taken: give it back with <see cref="UncountInbound"/>).</summary>
    public bool CountInbound(int max) => Interlocked.Increment(ref _inbound) <= max;

    public void UncountInbound() => Interlocked.Decrement(ref _inbound);

    /// <summary>
    /// The state that counts <paramref name="key"/>, made if missing; null when the table is full (the caller refuses,
    /// and a sweep to make room is already on its way on the thread pool: the accept loop never walks the table).
    /// </summary>
    public IpState? StateFor(UInt128 key, IPAddress remote, SecurityPolicy policy)
    {
        while (true)
        {
            if (_ips.TryGetValue(key, out var state))
            {
                return state;
            }
            var limit = TrackedAddressLimit(policy);
            if (Volatile.Read(ref _tracked) >= limit)
            {
                RequestRoom(limit);
                return null;
            }
            // IPv4 and a full-length IPv6 prefix keep the peer's own address; a shorter prefix shows its network.
            var address = IpAddressKey.IsIPv4(key) || policy.Ipv6LimitPrefix >= 128 ? IpAddressKey.Normalize(remote) : IpAddressKey.ToAddress(key);
            var fresh = new IpState(this, address, key);
            if (_ips.TryAdd(key, fresh))
            {
                Interlocked.Increment(ref _tracked);
                return fresh;
            }
            // Another thread added it first; take theirs (or, if the sweeper removed it already, try again).
        }
    }

    /// <summary>Makes the slot of a connection <paramref name="state"/> has just counted, and links it in the state's live list.</summary>
    public ConnectionSlot Open(IpState state, IPAddress address, UInt128 addressKey, long now, bool outbound)
    {
        var slot = new ConnectionSlot(state, address, addressKey, Interlocked.Increment(ref _nextSlotId), now, outbound);
        state.Link(slot);
        return slot;
    }

    /// <summary>Records an inbound slot as pending its handshake; returns the handshake pushed out to make room, if any.</summary>
    public ConnectionSlot? AddPending(ConnectionSlot slot, int cap) => _pending.Add(slot, slot.State.Pending, cap);

    /// <summary>The slot is past TLS with an acceptable key: it goes behind the handshakes still in TLS.</summary>
    public void RenewPending(ConnectionSlot slot) => _pending.Renew(slot);

    /// <summary>The slot was welcomed (or closed): it no longer counts as pending.</summary>
    public void RemovePending(ConnectionSlot slot) => _pending.Remove(slot);

    /// <summary>The one release path: gives back what the slot holds (inbound count, pending entry, the address's count).</summary>
    public void Release(ConnectionSlot slot)
    {
        if (!slot.Outbound)
        {
            _pending.Remove(slot);
            Interlocked.Decrement(ref _inbound);
        }
        slot.State.Close(slot);
    }

    /// <summary>Live connections right now.</summary>
    public IReadOnlyCollection<ConnectionSlot> Live
    {
        get
        {
            var live = new List<ConnectionSlot>();
            foreach (var state in _ips.Values)
            {
                state.CopyLiveTo(live);
            }
            return live;
        }
    }

    /// <summary>The wall-clock time of a monotonic timestamp taken earlier.</summary>
    public DateTimeOffset TimeOf(long timestamp) => time.GetUtcNow() - time.GetElapsedTime(timestamp);

    /// <summary>
    /// Drops per-address state that remembers nothing (no connections, full buckets); with
    /// <paramref name="forgetRates"/>, every state without a connection until the table is at <paramref name="downTo"/>.
    /// </summary>
    public void Sweep(bool forgetRates = false, int downTo = 0)
    {
        var current = policy();
        var now = time.GetTimestamp();
        foreach (var (key, state) in _ips)
        {
            if (forgetRates && Volatile.Read(ref _tracked) <= downTo)
            {
                return;
            }
            if (state.TryRetire(current, now, time.TimestampFrequency, forgetRates) &&
                _ips.TryRemove(new KeyValuePair<UInt128, IpState>(key, state)))
            {
                Interlocked.Decrement(ref _tracked);
            }
        }
    }

    /// <summary>Starts one sweep that forgets rate memory, unless one is running.</summary>
    private void RequestRoom(int limit)
    {
        if (Interlocked.CompareExchange(ref _makingRoom, 1, 0) != 0)
        {
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.table.MakeRoom(s.limit), (table: this, limit), preferLocal: false);
    }

    /// <summary>Sweeps a full table: first what remembers nothing, then rate memory, down to three quarters of the limit.</summary>
    public void MakeRoom(int limit)
    {
        try
        {
            Sweep();
            var target = limit / 4 * 3;
            if (Volatile.Read(ref _tracked) > target)
            {
                Sweep(forgetRates: true, downTo: target);
            }
        }
        catch (Exception ex)
        {
            // The table stays full and new addresses stay refused until the next sweep: closed, not open.
            SecurityLog.InternalError(logger, ex, "sweep", "-");
        }
        finally
        {
            Volatile.Write(ref _makingRoom, 0);
        }
    }
}
