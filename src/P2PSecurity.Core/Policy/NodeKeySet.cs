using System.Collections;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// An immutable set of node keys (ALLOWED_NODE_KEYS, BLOCKED_NODE_KEYS), built for the node gate's look-up and for
/// cheap reloads: one open-addressed table, at most half full, probed linearly from the key's own bits. A look-up
/// reads one slot, or a few adjacent ones. A reload that changed a few keys of 100,000 copies the table and patches it
/// (<see cref="With"/>) instead of hashing every key again, and the patched set remembers what it added and removed,
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
    private readonly NodeKey[] _slots;
    private readonly int _mask;
    private readonly bool _hasZero;
    private readonly WeakReference<NodeKeySet>? _base;

    private NodeKeySet(NodeKey[] slots, int count, bool hasZero, NodeKeySet? derivedFrom, NodeKey[] added, NodeKey[] removed)
    {
        _slots = slots;
        _mask = slots.Length - 1;
        _hasZero = hasZero;
        Count = count;
        // Weak: a chain of reloads must not keep every earlier set alive.
        _base = derivedFrom is null ? null : new WeakReference<NodeKeySet>(derivedFrom);
        Added = added;
        Removed = removed;
    }

    /// <summary>The empty set.</summary>
    public static NodeKeySet Empty { get; } = new([default], 0, false, null, [], []);

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
        var slots = new NodeKey[CapacityFor(keys.Length)];
        var count = 0;
        var hasZero = false;
        duplicates = false;
        foreach (var key in keys)
        {
            if (Insert(slots, key, ref hasZero))
            {
                count++;
            }
            else
            {
                duplicates = true;
            }
        }
        return count == 0 ? Empty : new NodeKeySet(slots, count, hasZero, null, [], []);
    }

    /// <summary>
    /// This set without <paramref name="removed"/> and then with <paramref name="added"/>: the table copied and patched,
    /// nothing hashed again. <paramref name="duplicates"/> tells whether an added key was already in the set by then.
    /// </summary>
    internal NodeKeySet With(ReadOnlySpan<NodeKey> removed, ReadOnlySpan<NodeKey> added, out bool duplicates)
    {
        var capacity = CapacityFor(Count + added.Length);
        NodeKey[] slots;
        if (capacity <= _slots.Length)
        {
            // Every slot is overwritten by the copy, so the new array need not be zeroed first.
            slots = GC.AllocateUninitializedArray<NodeKey>(_slots.Length);
            _slots.CopyTo(slots, 0);
        }
        else
        {
            slots = new NodeKey[capacity];
            var ignored = false;
            foreach (var key in _slots)
            {
                if (!IsEmpty(key))
                {
                    Insert(slots, key, ref ignored);
                }
            }
        }
        var hasZero = _hasZero;
        var count = Count;
        var gone = new List<NodeKey>(removed.Length);
        foreach (var key in removed)
        {
            if (Delete(slots, key, ref hasZero))
            {
                count--;
                gone.Add(key);
            }
        }
        duplicates = false;
        var put = new List<NodeKey>(added.Length);
        foreach (var key in added)
        {
            if (Insert(slots, key, ref hasZero))
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
        gone.RemoveAll(key => Holds(slots, key, hasZero));
        return new NodeKeySet(slots, count, hasZero, this, [.. put], [.. gone]);
    }

    /// <inheritdoc/>
    public bool Contains(NodeKey key) => Holds(_slots, key, _hasZero);

    private static bool Holds(NodeKey[] slots, NodeKey key, bool hasZero)
    {
        var mask = slots.Length - 1;
        var i = key.GetHashCode() & mask;
        while (true)
        {
            ref readonly var slot = ref slots[i];
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
    private static bool Insert(NodeKey[] slots, NodeKey key, ref bool hasZero)
    {
        if (IsEmpty(key))
        {
            var added = !hasZero;
            hasZero = true;
            return added;
        }
        var mask = slots.Length - 1;
        var i = key.GetHashCode() & mask;
        while (!IsEmpty(slots[i]))
        {
            if (slots[i].Equals(key))
            {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = key;
        return true;
    }

    /// <summary>Removes <paramref name="key"/>, moving later keys of its run back so that no probe stops short; false when it was not there.</summary>
    private static bool Delete(NodeKey[] slots, NodeKey key, ref bool hasZero)
    {
        if (IsEmpty(key))
        {
            var removed = hasZero;
            hasZero = false;
            return removed;
        }
        var mask = slots.Length - 1;
        var hole = key.GetHashCode() & mask;
        while (!slots[hole].Equals(key))
        {
            if (IsEmpty(slots[hole]))
            {
                return false;
            }
            hole = (hole + 1) & mask;
        }
        var j = hole;
        while (true)
        {
            j = (j + 1) & mask;
            if (IsEmpty(slots[j]))
            {
                break;
            }
            // The key at j stays unless the hole lies on its probe path: between its home slot and j, cyclically.
            var home = slots[j].GetHashCode() & mask;
            var stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays)
            {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = default;
        return true;
    }

    private static bool IsEmpty(in NodeKey key) => key.Equals(default);

    /// <summary>A power of two at least twice <paramref name="count"/>, so the table is at most half full.</summary>
    private static int CapacityFor(int count) => (int)Math.Max(2, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, count) * 2));

    /// <inheritdoc/>
    public IEnumerator<NodeKey> GetEnumerator()
    {
        if (_hasZero)
        {
            yield return default;
        }
        foreach (var key in _slots)
        {
            if (!IsEmpty(key))
            {
                yield return key;
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
