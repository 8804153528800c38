namespace P2PSecurity.Core.Security;

/// <summary>
/// Inbound connections past the accept gate that have not been welcomed yet (in TLS, or waiting for their
/// <c>ClientHello</c>), bounded by MAX_PENDING_HANDSHAKES. When a new one goes over the cap, the oldest pending
/// handshake of the group (address, or IPv6 prefix) that holds the most is taken out and handed back to be closed.
/// </summary>
/// <remarks>
/// Refusing the newcomer instead would let a flood from many addresses keep every allowed node out for as long as it
/// lasts; evicting from the biggest group makes the flood pay first, and among equal groups the oldest goes, so a
/// newcomer gets the time it takes the flood to replace every older handshake (MAX_PENDING_HANDSHAKES connections)
/// to finish its own. Groups are kept in buckets by their pending count (a group moves one bucket per change), so
/// finding the biggest is one look-up whatever the cap: the accept path never scans.
/// </remarks>
internal sealed class PendingHandshakes
{
    private readonly Lock _gate = new();

    // Heads and tails of the buckets: index n holds the groups with exactly n pending slots, in the order they got there.
    private readonly List<PendingGroup?> _heads = [null];
    private readonly List<PendingGroup?> _tails = [null];
    private int _largest;
    private int _count;

    /// <summary>Pending handshakes now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Adds an admitted slot. If that makes more than <paramref name="cap"/> pending, takes out the oldest slot of the
    /// largest group (which may be the newcomer's own group, but never the newcomer: it is the newest of its group, and
    /// a group of one is largest only when every group is of one, where it comes last) and returns it:
    /// the caller closes it.
    /// </summary>
    public ConnectionSlot? Add(ConnectionSlot slot, PendingGroup group, int cap)
    {
        lock (_gate)
        {
            slot.PendingGroup = group;
            slot.PendingPrevious = group.Last;
            slot.PendingNext = null;
            if (group.Last is { } last)
            {
                last.PendingNext = slot;
            }
            else
            {
                group.First = slot;
            }
            group.Last = slot;
            Resize(group, group.Count + 1);
            _count++;
            if (_count <= cap)
            {
                return null;
            }
            var victim = _heads[_largest]!.First!;
            RemoveLocked(victim);
            return victim;
        }
    }

    /// <summary>
    /// Moves a pending slot that has just passed a stage (TLS completed with an acceptable key) behind every other:
    /// the newest of its group, and its group the newest of its size. "Oldest" then means the handshake that has gone
    /// longest without progress, so a flood of handshakes that never finish TLS, replaced as fast as they are evicted,
    /// pushes out its own before a node that proved its certificate and is only waiting for its ClientHello's answer.
    /// Anyone can pass TLS once per connection, but each pass costs a full TLS handshake, and a renewed slot still goes
    /// when its turn comes again. False when the slot was not pending.
    /// </summary>
    public bool Renew(ConnectionSlot slot)
    {
        lock (_gate)
        {
            if (slot.PendingGroup is not { } group)
            {
                return false;
            }
            RemoveLocked(slot);
            slot.PendingGroup = group;
            slot.PendingPrevious = group.Last;
            if (group.Last is { } last)
            {
                last.PendingNext = slot;
            }
            else
            {
                group.First = slot;
            }
            group.Last = slot;
            // Out of its bucket and back in at the tail (Resize unlinks and appends): the newest group of its size.
            Resize(group, group.Count + 1);
            _count++;
            return true;
        }
    }

    /// <summary>Takes a slot out (welcomed, or closed); false when it was not pending.</summary>
    public bool Remove(ConnectionSlot slot)
    {
        lock (_gate)
        {
            if (slot.PendingGroup is null)
            {
                return false;
            }
            RemoveLocked(slot);
            return true;
        }
    }

    /// <summary>The pending count of the largest group (for tests and status).</summary>
    public int Largest
    {
        get
        {
            lock (_gate)
            {
                return _largest;
            }
        }
    }

    private void RemoveLocked(ConnectionSlot slot)
    {
        var group = slot.PendingGroup!;
        if (slot.PendingPrevious is { } previous)
        {
            previous.PendingNext = slot.PendingNext;
        }
        else
        {
            group.First = slot.PendingNext;
        }
        if (slot.PendingNext is { } next)
        {
            next.PendingPrevious = slot.PendingPrevious;
        }
        else
        {
            group.Last = slot.PendingPrevious;
        }
        slot.PendingPrevious = null;
        slot.PendingNext = null;
        slot.PendingGroup = null;
        Resize(group, group.Count - 1);
        _count--;
    }

    /// <summary>Moves a group from the bucket of its old count to the tail of the bucket of <paramref name="count"/>.</summary>
    private void Resize(PendingGroup group, int count)
    {
        if (group.Count > 0)
        {
            Unlink(group);
        }
        group.Count = count;
        if (count > 0)
        {
            while (_heads.Count <= count)
            {
                _heads.Add(null);
                _tails.Add(null);
            }
            group.BucketPrevious = _tails[count];
            if (_tails[count] is { } tail)
            {
                tail.BucketNext = group;
            }
            else
            {
                _heads[count] = group;
            }
            _tails[count] = group;
        }
        _largest = Math.Max(_largest, count);
        // Counts move by one, so the largest bucket, when it empties, gives way to the one below it.
        while (_largest > 0 && _heads[_largest] is null)
        {
            _largest--;
        }
    }

    private void Unlink(PendingGroup group)
    {
        var bucket = group.Count;
        if (group.BucketPrevious is { } previous)
        {
            previous.BucketNext = group.BucketNext;
        }
        else
        {
            _heads[bucket] = group.BucketNext;
        }
        if (group.BucketNext is { } next)
        {
            next.BucketPrevious = group.BucketPrevious;
        }
        else
        {
            _tails[bucket] = group.BucketPrevious;
        }
        group.BucketPrevious = null;
        group.BucketNext = null;
    }
}
