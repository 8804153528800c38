using System.Collections;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// A read-only set of list entries (canonical text) that may remember which set it was derived from and what was
/// added and removed, so that a reload that changed one entry of 100,000 can say what changed without comparing
/// 100,000 entries against 100,000 others (<see cref="PolicyDiff"/>).
/// </summary>
internal sealed class EntrySet : IReadOnlySet<string>
{
    private readonly HashSet<string> _items;
    private readonly WeakReference<IReadOnlySet<string>>? _base;

    /// <param name="items">The entries; the set takes them over and never changes them.</param>
    /// <param name="derivedFrom">The set these entries were made from by adding <paramref name="added"/> and removing <paramref name="removed"/>.</param>
    public EntrySet(HashSet<string> items, IReadOnlySet<string>? derivedFrom = null, IReadOnlyList<string>? added = null, IReadOnlyList<string>? removed = null)
    {
        _items = items;
        // Weak: a chain of reloads must not keep every earlier list alive.
        _base = derivedFrom is null ? null : new WeakReference<IReadOnlySet<string>>(derivedFrom);
        Added = added ?? [];
        Removed = removed ?? [];
    }

    public IReadOnlyList<string> Added { get; }

    public IReadOnlyList<string> Removed { get; }

    /// <summary>True when this set is <paramref name="other"/> plus <see cref="Added"/> minus <see cref="Removed"/>.</summary>
    public bool IsDerivedFrom(IReadOnlySet<string> other) => _base is not null && _base.TryGetTarget(out var b) && ReferenceEquals(b, other);

    /// <summary>The underlying set, to copy from (a copy of a HashSet with the same comparer is a block copy).</summary>
    internal HashSet<string> Items => _items;

    public int Count => _items.Count;

    public bool Contains(string item) => _items.Contains(item);

    public IEnumerator<string> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool IsProperSubsetOf(IEnumerable<string> other) => _items.IsProperSubsetOf(other);

    public bool IsProperSupersetOf(IEnumerable<string> other) => _items.IsProperSupersetOf(other);

    public bool IsSubsetOf(IEnumerable<string> other) => _items.IsSubsetOf(other);

    public bool IsSupersetOf(IEnumerable<string> other) => _items.IsSupersetOf(other);

    public bool Overlaps(IEnumerable<string> other) => _items.Overlaps(other);

    public bool SetEquals(IEnumerable<string> other) => _items.SetEquals(other);
}
