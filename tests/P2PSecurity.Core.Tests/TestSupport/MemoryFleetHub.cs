using P2PSecurity.Core.Fleet;

namespace P2PSecurity.Core.Tests.TestSupport;

/// <summary>An in-memory hub with Redis's stream rules (ids only grow; the conditional append of the Redis script), and a switch to make it unreachable.</summary>
internal sealed class MemoryFleetHub : IFleetHub
{
    private readonly Lock _gate = new();
    private readonly List<FleetRawEntry> _entries = [];
    private StreamId _top;

    public FleetSnapshot? Snapshot { get; set; }

    public bool Down { get; set; }

    /// <summary>How many snapshot reads fail next (the hub going away in the middle of a follower's batch).</summary>
    public int FailingSnapshotReads { get; set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Appends raw fields at <paramref name="id"/>, as anyone who can write to Redis could (no signature needed).</summary>
    public void Add(StreamId id, IReadOnlyDictionary<string, string> fields)
    {
        lock (_gate)
        {
            Assert.True(id > _top, "stream ids only grow");
            _entries.Add(new FleetRawEntry(id, fields));
            _top = id;
        }
    }

    public void Add(FleetEntry entry) => Add(entry.Id, entry.Fields().ToDictionary(f => f.Key, f => f.Value));

    /// <summary>Forgets everything, as a Redis without persistence does when it restarts.</summary>
    public void Wipe()
    {
        lock (_gate)
        {
            _entries.Clear();
            _top = StreamId.Zero;
            Snapshot = null;
        }
    }

    public Task<IReadOnlyList<FleetRawEntry>> ReadAsync(StreamId after, int count, TimeSpan? block, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<FleetRawEntry>>(_entries.Where(e => e.Id > after).Take(count).ToList());
        }
    }

    public Task<StreamId> TopAsync(CancellationToken cancellationToken)
    {
        ThrowIfDown();
        lock (_gate)
        {
            return Task.FromResult(_top);
        }
    }

    public Task<FleetAppendOutcome> AppendAsync(FleetEntry entry, StreamId? expectedTop, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        lock (_gate)
        {
            if (expectedTop is { } expected && expected != _top)
            {
                return Task.FromResult(FleetAppendOutcome.Conflict);
            }
            if (entry.Id <= _top)
            {
                var same = _entries.Any(e => e.Id == entry.Id && e.Fields.GetValueOrDefault("s") == Convert.ToBase64String(entry.Signature));
                return Task.FromResult(same ? FleetAppendOutcome.AlreadyThere : FleetAppendOutcome.Conflict);
            }
            _entries.Add(new FleetRawEntry(entry.Id, entry.Fields().ToDictionary(f => f.Key, f => f.Value)));
            _top = entry.Id;
            return Task.FromResult(FleetAppendOutcome.Added);
        }
    }

    public Task<FleetSnapshot?> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        ThrowIfDown();
        if (FailingSnapshotReads > 0)
        {
            FailingSnapshotReads--;
            throw new FleetHubException("hub went away (test)");
        }
        return Task.FromResult(Snapshot);
    }

    public Task<StreamId?> ReadSnapshotCoversAsync(CancellationToken cancellationToken)
    {
        ThrowIfDown();
        return Task.FromResult(Snapshot?.Covers);
    }

    public Task<bool> WriteSnapshotAsync(FleetSnapshot snapshot, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        if (Snapshot is { } held && held.Covers >= snapshot.Covers)
        {
            return Task.FromResult(false);
        }
        Snapshot = snapshot;
        return Task.FromResult(true);
    }

    public Task TrimAsync(StreamId minId, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        lock (_gate)
        {
            _entries.RemoveAll(e => e.Id < minId);
        }
        return Task.CompletedTask;
    }

    private void ThrowIfDown()
    {
        if (Down)
        {
            throw new FleetHubException("hub down (test)");
        }
    }
}
