using System.Buffers.Binary;

namespace P2PSecurity.Server.Transport;

/// <summary>
/// Broadcast ids this node has relayed, so that each broadcast is delivered once even where the network has loops,
/// and a captured one cannot be replayed. An id is remembered for as long as its broadcast could still pass the
/// freshness check (BROADCAST_MAX_AGE plus the clock skew), so by the time it is forgotten a replay is too old.
/// </summary>
/// <remarks>
/// Bounded by <see cref="Capacity"/>. Forgetting an id early would reopen the replay, so when every slot holds an id
/// that is still within its window the new broadcast is refused instead (<see cref="SeenResult.Full"/>): only
/// authenticated nodes, each held to MESSAGE_RATE_LIMIT, can fill it. About 56 bytes per id (a hash-set entry of
/// 16-byte id and the queue entry with its expiry), so the default capacity holds at most about 28 MB.
/// </remarks>
internal sealed class SeenBroadcasts(int capacity = SeenBroadcasts.DefaultCapacity)
{
    public const int DefaultCapacity = 500_000;

    private readonly Lock _lock = new();
    private readonly HashSet<UInt128> _ids = [];
    private readonly Queue<(UInt128 Id, long ForgetAtMs)> _order = new();
    private long _newestForgetAtMs;

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _ids.Count;
            }
        }
    }

    /// <summary>True if the id was seen and is still remembered (without recording it).</summary>
    public bool Contains(ReadOnlySpan<byte> id, long nowMs)
    {
        var key = BinaryPrimitives.ReadUInt128BigEndian(id);
        lock (_lock)
        {
            ForgetExpired(nowMs);
            return _ids.Contains(key);
        }
    }

    /// <summary>Records the id until <paramref name="nowMs"/> + <paramref name="keepMs"/>.</summary>
    public SeenResult TryAdd(ReadOnlySpan<byte> id, long nowMs, long keepMs)
    {
        var key = BinaryPrimitives.ReadUInt128BigEndian(id);
        lock (_lock)
        {
            ForgetExpired(nowMs);
            if (_ids.Contains(key))
            {
                return SeenResult.Duplicate;
            }
            if (_ids.Count >= capacity)
            {
                return SeenResult.Full;
            }
            _ids.Add(key);
            // The queue must stay in expiry order: an id is never forgotten before one that came earlier (a policy
            // that shortens BROADCAST_MAX_AGE keeps newer ids a little longer than needed, never shorter).
            _newestForgetAtMs = Math.Max(_newestForgetAtMs, nowMs + keepMs);
            _order.Enqueue((key, _newestForgetAtMs));
            return SeenResult.Added;
        }
    }

    private void ForgetExpired(long nowMs)
    {
        while (_order.TryPeek(out var oldest) && oldest.ForgetAtMs <= nowMs)
        {
            _order.Dequeue();
            _ids.Remove(oldest.Id);
        }
    }
}

/// <summary>What <see cref="SeenBroadcasts.TryAdd"/> did.</summary>
internal enum SeenResult
{
    Added,
    Duplicate,
    Full,
}
