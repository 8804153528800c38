namespace P2PSecurity.Core.Bans;

/// <summary>
/// The bans held, keyed by target: the mutable state behind the published <see cref="BanSnapshot"/>s. Touched only
/// by <see cref="BanList"/>'s single writer, so it needs no lock. Bounded by MAX_BANS: when full, a new ban takes the
/// place of the automatic ban closest to expiry; operator bans are never dropped.
/// </summary>
internal sealed class BanTable
{
    // The bans themselves, found by their target (SameTarget): 16 bytes an entry, where a dictionary keyed by the
    // 48-byte target held the target twice (key and ban) in 80-byte entries.
    /// <summary>Changes a batch usually makes (BanList's batches are at most 4,096 operations).</summary>
    private const int RecordKept = 8192;

    private static readonly Comparer<Ban> Order = Comparer<Ban>.Create(BanRangeIndex.ByOrder);

    private readonly HashSet<Ban> _bans = new(SameTarget.Instance);

    // What changed since the last Sorted(): bans put in, and bans taken out (by reference). The next snapshot is
    // the last one's sorted array merged with these, not a sort of the whole table.
    private readonly List<Ban> _added = [];
    private readonly HashSet<Ban> _taken = new(ReferenceEqualityComparer.Instance);

    // Automatic bans by expiry, for "the one closest to expiry". Entries are checked when taken (a ban replaced or
    // removed leaves a stale entry), and the queue is rebuilt when stale entries outnumber live ones. The queue holds
    // the Ban itself (8 bytes) rather than its 48-byte target: at a million bans that is about 60 MB less.
    private readonly PriorityQueue<Ban, long> _automatic = new();
    private int _automaticCount;

    public int Count => _bans.Count;

    /// <summary>How often <see cref="Sorted"/> had to sort the whole table because the merge did not add up (0 unless a change went unrecorded).</summary>
    public int FullSorts { get; private set; }

    public IReadOnlyCollection<Ban> Values => _bans;

    /// <summary>Makes room for <paramref name="count"/> bans (<paramref name="automatic"/> of them automatic) at once, for a load, rather than growing by doubling.</summary>
    public void Reserve(int count, int automatic)
    {
        _bans.EnsureCapacity(count);
        _automatic.EnsureCapacity(automatic);
        _added.Capacity = Math.Max(_added.Capacity, count);
    }

    public Ban? Get(BanTarget target) => _bans.TryGetValue(Probe(target), out var ban) ? ban : null;

    /// <summary>
    /// Puts a ban in, replacing one on the same target. Returns false only when the table is full of operator bans.
    /// <paramref name="displaced"/> is the automatic ban dropped to make room.
    /// </summary>
    public bool TryPut(Ban ban, int maxBans, out Ban? previous, out Ban? displaced)
    {
        displaced = null;
        if (_bans.TryGetValue(ban, out previous))
        {
            Set(ban, previous);
            return true;
        }
        if (_bans.Count >= maxBans)
        {
            displaced = TakeAutomaticClosestToExpiry();
            if (displaced is null)
            {
                return false;
            }
        }
        Set(ban, null);
        return true;
    }

    /// <summary>Puts back what <see cref="TryPut"/> or <see cref="Remove"/> changed (a write that failed is undone).</summary>
    public void Restore(BanTarget target, Ban? before)
    {
        var now = Get(target);
        if (now is not null)
        {
            Forget(now);
        }
        if (before is not null)
        {
            Set(before, null);
        }
    }

    public Ban? Remove(BanTarget target)
    {
        if (!_bans.TryGetValue(Probe(target), out var ban))
        {
            return null;
        }
        Forget(ban);
        return ban;
    }

    /// <summary>Removes and returns the bans expired at <paramref name="nowMs"/>.</summary>
    public List<Ban> RemoveExpired(long nowMs)
    {
        var expired = _bans.Where(b => !b.IsActive(nowMs)).ToList();
        foreach (var ban in expired)
        {
            Forget(ban);
        }
        return expired;
    }

    private void Set(Ban ban, Ban? replacing)
    {
        if (replacing is not null)
        {
            _bans.Remove(replacing);
            _taken.Add(replacing);
            if (replacing.Source == BanSource.Automatic)
            {
                _automaticCount--;
            }
        }
        _bans.Add(ban);
        _added.Add(ban);
        if (ban.Source == BanSource.Automatic)
        {
            _automaticCount++;
            _automatic.Enqueue(ban, ban.ExpiresAtMs);
            if (_automatic.Count > (2 * _automaticCount) + 1024)
            {
                RebuildQueue();
            }
        }
    }

    private void Forget(Ban ban)
    {
        _bans.Remove(ban);
        _taken.Add(ban);
        if (ban.Source == BanSource.Automatic)
        {
            _automaticCount--;
        }
    }

    private Ban? TakeAutomaticClosestToExpiry()
    {
        while (_automatic.TryDequeue(out var queued, out _))
        {
            // Only the very ban queued counts: one replaced since (same target, a new record) left this entry stale.
            if (IsHeld(queued))
            {
                Forget(queued);
                return queued;
            }
        }
        return null;
    }

    private void RebuildQueue()
    {
        _automatic.Clear();
        foreach (var ban in _bans)
        {
            if (ban.Source == BanSource.Automatic)
            {
                _automatic.Enqueue(ban, ban.ExpiresAtMs);
            }
        }
    }

    /// <summary>
    /// Every ban held, in the order of <see cref="BanTarget.CompareOrder"/>: <paramref name="previous"/> (the array
    /// of the last snapshot, which this table made) merged with what changed since, in one pass and one array of
    /// exactly the table's size. A million bans and a batch of a thousand: no sort of the million, no temporary copy.
    /// </summary>
    public Ban[] Sorted(Ban[] previous)
    {
        // The bans put in since, still held and not in previous (one put back after a failed write may be there
        // already, or be listed twice), each once.
        // With nothing taken out, nothing was put in twice or is in previous already (it would have been taken
        // out first): a load of a million bans needs no set to tell.
        var fresh = new List<Ban>(_added.Count);
        var seen = _taken.Count > 0 ? new HashSet<Ban>(ReferenceEqualityComparer.Instance) : null;
        foreach (var ban in _added)
        {
            if (seen is null || (IsHeld(ban) && !In(previous, ban) && seen.Add(ban)))
            {
                fresh.Add(ban);
            }
        }
        fresh.Sort(BanRangeIndex.ByOrder);
        var result = new Ban[_bans.Count];
        var n = 0;
        var f = 0;
        foreach (var ban in previous)
        {
            // Unchanged unless taken out since (and then kept only if it was put back).
            if (_taken.Count > 0 && _taken.Contains(ban) && !IsHeld(ban))
            {
                continue;
            }
            while (f < fresh.Count && n < result.Length && BanRangeIndex.ByOrder(fresh[f], ban) < 0)
            {
                result[n++] = fresh[f++];
            }
            if (n == result.Length)
            {
                n = -1;
                break;
            }
            result[n++] = ban;
        }
        while (n >= 0 && f < fresh.Count && n < result.Length)
        {
            result[n++] = fresh[f++];
        }
        var complete = n == result.Length && f == fresh.Count;
        // A load or a flood leaves these large: give that back, keep what a usual batch needs.
        var large = _added.Count > RecordKept || _taken.Count > RecordKept;
        _added.Clear();
        _taken.Clear();
        if (large)
        {
            _added.Capacity = RecordKept;
            _taken.TrimExcess();
        }
        if (!complete)
        {
            // Only if the record of changes missed one (a bug): never publish a wrong snapshot; sort the table.
            FullSorts++;
            result = [.. _bans];
            Array.Sort(result, BanRangeIndex.ByOrder);
        }
        return result;
    }

    /// <summary>True when this very ban is in <paramref name="sorted"/> (targets are distinct there, so one search).</summary>
    private static bool In(Ban[] sorted, Ban ban)
    {
        var i = Array.BinarySearch(sorted, ban, Order);
        return i >= 0 && ReferenceEquals(sorted[i], ban);
    }

    private bool IsHeld(Ban ban) => _bans.TryGetValue(ban, out var held) && ReferenceEquals(held, ban);

    /// <summary>A ban to look a target up with (<see cref="SameTarget"/> compares the target alone).</summary>
    private static Ban Probe(BanTarget target) => new(target, BanSource.Operator, string.Empty, 0, 0);

    /// <summary>Two bans are the same entry when they ban the same target.</summary>
    private sealed class SameTarget : IEqualityComparer<Ban>
    {
        public static SameTarget Instance { get; } = new();

        public bool Equals(Ban? x, Ban? y) => x is null ? y is null : y is not null && x.Target == y.Target;

        public int GetHashCode(Ban obj) => obj.Target.GetHashCode();
    }
}
