namespace P2PSecurity.Core.Bans;

/// <summary>
/// The bans held, keyed by target: the mutable state behind the published <see cref="BanSnapshot"/>s. Touched only
/// by <see cref="BanList"/>'s single writer, so it needs no lock. Bounded by MAX_BANS: when full, a new ban takes the
/// place of the automatic ban closest to expiry; operator bans are never dropped.
/// </summary>
internal sealed class BanTable
{
    private readonly Dictionary<BanTarget, Ban> _bans = [];

    // Automatic bans by expiry, for "the one closest to expiry". Entries are checked when taken (a ban replaced or
    // removed leaves a stale entry), and the queue is rebuilt when stale entries outnumber live ones. The queue holds
    // the Ban itself (8 bytes) rather than its 48-byte target: at a million bans that is about 60 MB less.
    private readonly PriorityQueue<Ban, long> _automatic = new();
    private int _automaticCount;

    public int Count => _bans.Count;

    public IReadOnlyCollection<Ban> Values => _bans.Values;

    public Ban? Get(BanTarget target) => _bans.GetValueOrDefault(target);

    /// <summary>
    /// Puts a ban in, replacing one on the same target. Returns false only when the table is full of operator bans.
    /// <paramref name="displaced"/> is the automatic ban dropped to make room.
    /// </summary>
    public bool TryPut(Ban ban, int maxBans, out Ban? previous, out Ban? displaced)
    {
        displaced = null;
        if (_bans.TryGetValue(ban.Target, out previous))
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
        var now = _bans.GetValueOrDefault(target);
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
        if (!_bans.TryGetValue(target, out var ban))
        {
            return null;
        }
        Forget(ban);
        return ban;
    }

    /// <summary>Removes and returns the bans expired at <paramref name="nowMs"/>.</summary>
    public List<Ban> RemoveExpired(long nowMs)
    {
        var expired = _bans.Values.Where(b => !b.IsActive(nowMs)).ToList();
        foreach (var ban in expired)
        {
            Forget(ban);
        }
        return expired;
    }

    private void Set(Ban ban, Ban? replacing)
    {
        if (replacing?.Source == BanSource.Automatic)
        {
            _automaticCount--;
        }
        _bans[ban.Target] = ban;
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
        _bans.Remove(ban.Target);
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
            if (_bans.TryGetValue(queued.Target, out var ban) && ReferenceEquals(ban, queued))
            {
                Forget(ban);
                return ban;
            }
        }
        return null;
    }

    private void RebuildQueue()
    {
        _automatic.Clear();
        foreach (var ban in _bans.Values)
        {
            if (ban.Source == BanSource.Automatic)
            {
                _automatic.Enqueue(ban, ban.ExpiresAtMs);
            }
        }
    }
}
