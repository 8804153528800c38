namespace P2PSecurity.Core.Policy;

/// <summary>
/// The open-addressed table behind <see cref="NodeKeySet"/>: a power-of-two number of slots, probed linearly, kept in
/// chunks of at most <see cref="ChunkSlots"/> slots so that a patched copy shares every chunk it did not write to.
/// A reload that changed one key of 100,000 copies the chunk directory and one or two 64 KiB chunks, not 8 MiB.
/// </summary>
/// <remarks>An empty slot holds the all-zero key; <see cref="NodeKeySet"/> keeps that key itself in a flag.</remarks>
internal readonly struct NodeKeyTable
{
    /// <summary>2,048 slots of 32 bytes: 64 KiB, under the large-object threshold, so a chunk is a cheap young object.</summary>
    private const int ChunkBits = 11;
    private const int ChunkSlots = 1 << ChunkBits;

    private readonly NodeKey[][] _chunks;
    private readonly int _shift;
    private readonly int _chunkMask;

    private NodeKeyTable(NodeKey[][] chunks, int shift, int chunkMask, int capacity)
    {
        _chunks = chunks;
        _shift = shift;
        _chunkMask = chunkMask;
        Mask = capacity - 1;
    }

    /// <summary>Slots minus one (the capacity is a power of two).</summary>
    public int Mask { get; }

    public int Capacity => Mask + 1;

    /// <summary>An empty table of <paramref name="capacity"/> slots (a power of two).</summary>
    public static NodeKeyTable Create(int capacity)
    {
        var chunkSlots = Math.Min(capacity, ChunkSlots);
        var chunks = new NodeKey[capacity / chunkSlots][];
        for (var c = 0; c < chunks.Length; c++)
        {
            chunks[c] = new NodeKey[chunkSlots];
        }
        return new NodeKeyTable(chunks, System.Numerics.BitOperations.Log2((uint)chunkSlots), chunkSlots - 1, capacity);
    }

    /// <summary>
    /// A table that shares every chunk with this one; <see cref="Insert"/> and <see cref="Delete"/> on it copy a chunk
    /// the first time they write to it (<paramref name="owned"/> records which), so this table never changes.
    /// </summary>
    public NodeKeyTable Share(out bool[] owned)
    {
        owned = new bool[_chunks.Length];
        return new NodeKeyTable((NodeKey[][])_chunks.Clone(), _shift, _chunkMask, Capacity);
    }

    public ref readonly NodeKey this[int slot] => ref _chunks[slot >> _shift][slot & _chunkMask];

    /// <summary>Adds a non-zero key; false when it was there already. <paramref name="owned"/>: null when every chunk is this table's own.</summary>
    public bool Insert(NodeKey key, bool[]? owned)
    {
        var i = key.GetHashCode() & Mask;
        while (!IsEmpty(this[i]))
        {
            if (this[i].Equals(key))
            {
                return false;
            }
            i = (i + 1) & Mask;
        }
        Writable(i, owned) = key;
        return true;
    }

    /// <summary>Removes a non-zero key, moving later keys of its run back so that no probe stops short; false when it was not there.</summary>
    public bool Delete(NodeKey key, bool[]? owned)
    {
        var hole = key.GetHashCode() & Mask;
        while (!this[hole].Equals(key))
        {
            if (IsEmpty(this[hole]))
            {
                return false;
            }
            hole = (hole + 1) & Mask;
        }
        var j = hole;
        while (true)
        {
            j = (j + 1) & Mask;
            if (IsEmpty(this[j]))
            {
                break;
            }
            // The key at j stays unless the hole lies on its probe path: between its home slot and j, cyclically.
            var home = this[j].GetHashCode() & Mask;
            var stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays)
            {
                Writable(hole, owned) = this[j];
                hole = j;
            }
        }
        Writable(hole, owned) = default;
        return true;
    }

    public static bool IsEmpty(in NodeKey key) => key.Equals(default);

    private ref NodeKey Writable(int slot, bool[]? owned)
    {
        var c = slot >> _shift;
        if (owned is not null && !owned[c])
        {
            _chunks[c] = (NodeKey[])_chunks[c].Clone();
            owned[c] = true;
        }
        return ref _chunks[c][slot & _chunkMask];
    }
}
