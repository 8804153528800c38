using System.Collections;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// An immutable set of node keys (ALLOWED_NODE_KEYS, BLOCKED_NODE_KEYS), built for the node gate's look-up and for
/// cheap reloads: one open-addressed table, at most half full, probed linearly from the key's own bits. A look-up
/// reads one slot, or a few adjacent ones. A reload that changed a few keys of 100,000 patches a copy of the table
/// that shares every chunk it does not write to (<see cref="With"/>, <see cref="NodeKeyTable"/>) instead of hashing
/// every key again, and the patched set remembers what it added and removed,
/// so the diff does not compare 100,000 keys with 100,000 others (<see cref="PolicyDiff"/>).
/// </summary>
/// <remarks>
/// A key is a SHA-256 output, so its bits are already uniform and serve as the hash. An empty slot holds the all-zero
/// key; that key itself (which an operator can type, but no certificate hashes to) is held in a flag beside the
/// table. A look-up of a key that is not there probes until an empty slot: with the table at most half full that is
/// under two slots on average.
/// </remarks>
public sealed class NodeKeySet : IReadOnlySet<NodeKey>
{
    private readonly NodeKeyTable _table;
    private readonly bool _hasZero;
    private readonly WeakReference<NodeKeySet>? _base;

    private NodeKeySet(NodeKeyTable table, int count, bool hasZero, NodeKeySet? derivedFrom, NodeKey[] added, NodeKey[] removed)
    {
        _table = table;
        _hasZero = hasZero;
        Count = count;
        // Weak: a chain of reloads must not keep every earlier set alive.
        _base = derivedFrom is null ? null : new WeakReference<NodeKeySet>(derivedFrom);
        Added = added;
        Removed = removed;
    }

    /// <summary>The empty set.</summary>
    public static NodeKeySet Empty { get; } = new(NodeKeyTable.Create(1), 0, false, null, [], []);

    /// <inheritdoc/>
    public int Count { get; }

    /// <summary>Keys this set has that the set it was patched from did not (empty unless <see cref="IsDerivedFrom"/>).</summary>
    internal IReadOnlyList<NodeKey> Added { get; }

    /// <summary>Keys the set it was patched from had that this one does not.</summary>
    internal IReadOnlyList<NodeKey> Removed { get; }

    /// <summary>True when this set is <paramref name="other"/> plus <see cref="Added"/> minus <see cref="Removed"/>.</summary>
    internal bool IsDerivedFrom(NodeKeySet other) => _base is not null && _base.TryGetTarget(out var b) && ReferenceEquals(b, other);

    /// <summary>The set of <paramref name="keys"/> (a key given twice is held once).</summary>
    public static NodeKeySet Create(IEnumerable<NodeKey> keys) => Build(keys as NodeKey[] ?? [.. keys], out _);

    /// <summary>The set of <paramref name="keys"/>; <paramref name="duplicates"/> tells whether a key was given twice.</summary>
    internal static NodeKeySet Build(ReadOnlySpan<NodeKey> keys, out bool duplicates)
    {
        var table = NodeKeyTable.Create(CapacityFor(keys.Length));
        var count = 0;
        var hasZero = false;
        duplicates = false;
        foreach (var key in keys)
        {
            if (Insert(table, null, key, ref hasZero))
            {
                count++;
            }
            else
            {
                duplicates = true;
            }
        }
        return count == 0 ? Empty : new NodeKeySet(table, count, hasZero, null, [], []);
    }

    /// <summary>
    /// This set without <paramref name="removed"/> and then with <paramref name="added"/>: the table copied and patched,
    /// nothing hashed again. <paramref name="duplicates"/> tells whether an added key was already in the set by then.
    /// </summary>
    internal NodeKeySet With(ReadOnlySpan<NodeKey> removed, ReadOnlySpan<NodeKey> added, out bool duplicates)
    {
        var capacity = CapacityFor(Count + added.Length);
        NodeKeyTable table;
        bool[]? owned;
        if (capacity <= _table.Capacity)
        {
            // Shares every chunk with this set's table; the first write to a chunk copies it.
            table = _table.Share(out owned);
        }
        else
        {
            table = NodeKeyTable.Create(capacity);
            owned = null;
            for (var i = 0; i < _table.Capacity; i++)
            {
                if (!NodeKeyTable.IsEmpty(_table[i]))
                {
                    table.Insert(_table[i], null);
                }
            }
        }
        var hasZero = _hasZero;
        var count = Count;
        var gone = new List<NodeKey>(removed.Length);
        foreach (var key in removed)
        {
            if (Delete(table, owned, key, ref hasZero))
            {
                count--;
                gone.Add(key);
            }
        }
        duplicates = false;
        var put = new List<NodeKey>(added.Length);
        foreach (var key in added)
        {
            if (Insert(table, owned, key, ref hasZero))
            {
                count++;
                if (!Contains(key))
                {
                    put.Add(key);
                }
            }
            else
            {
                duplicates = true;
            }
        }
        // Removed and put back in the same edit (a line moved, or typed again) is no change.
        gone.RemoveAll(key => Holds(table, key, hasZero));
        return new NodeKeySet(table, count, hasZero, this, [.. put], [.. gone]);
    }

    /// <inheritdoc/>
    public bool Contains(NodeKey key) => Holds(_table, key, _hasZero);

    private static bool Holds(in NodeKeyTable table, NodeKey key, bool hasZero)
    {
        var mask = table.Mask;
        var i = key.GetHashCode() & mask;
        while (true)
        {
            ref readonly var slot = ref table[i];
            if (slot.Equals(key))
            {
                // An empty slot equals the all-zero key: that one is in the set only by its flag.
                return hasZero || !IsEmpty(key);
            }
            if (IsEmpty(slot))
            {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    /// <summary>Adds <paramref name="key"/>; false when it was there already.</summary>
    private static bool Insert(in NodeKeyTable table, bool[]? owned, NodeKey key, ref bool hasZero)
    {
        if (IsEmpty(key))
        {
            var added = !hasZero;
            hasZero = true;
            return added;
        }
        return table.Insert(key, owned);
    }

    /// <summary>Removes <paramref name="key"/>; false when it was not there.</summary>
    private static bool Delete(in NodeKeyTable table, bool[]? owned, NodeKey key, ref bool hasZero)
    {
        if (IsEmpty(key))
        {
            var removed = hasZero;
            hasZero = false;
            return removed;
        }
        return table.Delete(key, owned);
    }

    private static bool IsEmpty(in NodeKey key) => NodeKeyTable.IsEmpty(key);

    /// <summary>A power of two at least twice <paramref name="count"/>, so the table is at most half full.</summary>
    private static int CapacityFor(int count) => (int)Math.Max(2, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, count) * 2));

    /// <inheritdoc/>
    public IEnumerator<NodeKey> GetEnumerator()
    {
        if (_hasZero)
        {
            yield return default;
        }
        for (var i = 0; i < _table.Capacity; i++)
        {
            if (!IsEmpty(_table[i]))
            {
                yield return _table[i];
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool IsProperSubsetOf(IEnumerable<NodeKey> other)
    {
        var set = Distinct(other);
        return set.Count > Count && IsSubsetOf(set);
    }

    /// <inheritdoc/>
    public bool IsProperSupersetOf(IEnumerable<NodeKey> other)
    {
        var set = Distinct(other);
        return set.Count < Count && set.All(Contains);
    }

    /// <inheritdoc/>
    public bool IsSubsetOf(IEnumerable<NodeKey> other)
    {
        var set = Distinct(other);
        return this.All(set.Contains);
    }

    /// <inheritdoc/>
    public bool IsSupersetOf(IEnumerable<NodeKey> other) => other.All(Contains);

    /// <inheritdoc/>
    public bool Overlaps(IEnumerable<NodeKey> other) => other.Any(Contains);

    /// <inheritdoc/>
    public bool SetEquals(IEnumerable<NodeKey> other)
    {
        var set = Distinct(other);
        return set.Count == Count && set.All(Contains);
    }

    private static IReadOnlySet<NodeKey> Distinct(IEnumerable<NodeKey> other) => other as IReadOnlySet<NodeKey> ?? new HashSet<NodeKey>(other);
}
