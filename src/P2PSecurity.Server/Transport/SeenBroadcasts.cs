using System.Buffers.Binary;

namespace P2PSecurity.Server.Transport;

/// <summary>
/// Broadcast ids this node has relayed, so that each broadcast is delivered once even where the network has loops.
/// Bounded: past <see cref="Capacity"/> ids the oldest is forgotten (an id that old is not coming round again).
/// </summary>
internal sealed class SeenBroadcasts(int capacity = SeenBroadcasts.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;

    private readonly Lock _gate = new();
    private readonly HashSet<UInt128> _ids = [];
    private readonly Queue<UInt128> _order = new();

    public int Capacity => capacity;

    /// <summary>True if the id was seen before (without recording it).</summary>
    public bool Contains(ReadOnlySpan<byte> id)
    {
        var key = BinaryPrimitives.ReadUInt128BigEndian(id);
        lock (_gate)
        {
            return _ids.Contains(key);
        }
    }

    /// <summary>Records the id; false if it was already there (another copy won the race).</summary>
    public bool TryAdd(ReadOnlySpan<byte> id)
    {
        var key = BinaryPrimitives.ReadUInt128BigEndian(id);
        lock (_gate)
        {
            if (!_ids.Add(key))
            {
                return false;
            }
            _order.Enqueue(key);
            if (_order.Count > capacity)
            {
                _ids.Remove(_order.Dequeue());
            }
            return true;
        }
    }
}
