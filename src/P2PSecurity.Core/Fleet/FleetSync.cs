using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Sources;

namespace P2PSecurity.Core.Fleet;

/// <summary>
/// The fleet as a policy source: applies the signed entries the hub delivers, in stream order, each exactly once,
/// to the state in force, writes it through to the local store, and publishes a new <see cref="FleetView"/> for the
/// gates with one <see cref="Interlocked.Exchange{T}"/>. An entry that is not signed by an operator key (forged),
/// does not verify (tampered, or replayed at another id or in another fleet) or cannot be read is skipped and
/// counted, never applied: a hub in someone else's hands can delay decisions, not make them.
/// </summary>
/// <remarks>
/// As a policy source (<see cref="IPolicySource{TSnapshot}"/>, name <c>fleet</c>) its snapshot is the view: the
/// composer puts it into the one <see cref="PolicyView"/> the gates read, before the sessions the new view refuses
/// are closed.
/// <para>
/// One writer at a time (<see cref="_writer"/>): the follower's batches, a publish and a snapshot load never
/// interleave.
/// </para>
/// </remarks>
public sealed partial class FleetSync : IPolicySource<FleetView>, IDisposable
{
    private readonly FleetSigning _signing;
    private readonly IFleetStore _store;
    private readonly IFleetHub _hub;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly FleetState _state = new();
    private FleetView _current = FleetView.Empty;
    private StreamId _cursor;
    private long _applied;
    private long _rejected;
    private long _duplicates;
    private long _gaps;
    private long _snapshotsLoaded;
    private long _caughtUpAtMs;
    private long _sinceSnapshot;
    private long _revision = 1;
    private int _connected;

    public FleetSync(FleetSigning signing, IFleetStore store, IFleetHub hub, ILogger? logger = null, TimeProvider? time = null)
    {
        _signing = signing;
        _store = store;
        _hub = hub;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        var (lastId, inForce) = store.LoadFleet();
        foreach (var decision in inForce)
        {
            _state.Apply(decision);
        }
        _state.LastId = lastId;
        _cursor = lastId;
        _caughtUpAtMs = NowMs;
        _current = _state.ToView(NowMs);
        SecurityLog.FleetLoaded(_logger, signing.Fleet, lastId.ToString(), _current.Count, signing.Operators.Count);
    }

    /// <summary>The fleet decisions in force. The gates read them from <see cref="PolicyView.Fleet"/>.</summary>
    public FleetView Current => Volatile.Read(ref _current);

    string IPolicySource<FleetView>.Name => "fleet";

    FleetView IPolicySource<FleetView>.Snapshot => Current;

    /// <summary>One more for every view published.</summary>
    public long Revision => Interlocked.Read(ref _revision);

    /// <summary>Raised after a new view is in <see cref="Current"/>, before the sessions it refuses are closed.</summary>
    public event Action? Published;

    public string Fleet => _signing.Fleet;

    public IFleetHub Hub => _hub;

    public FleetSigning Signing => _signing;

    /// <summary>The hub as shown in status and logs (no password).</summary>
    public string HubDisplay { get; init; } = "hub";

    /// <summary>FLEET_OPERATOR_IDENTITY, the identity this node's tools sign decisions with; null when the file is missing.</summary>
    public Identity.NodeIdentity? OperatorIdentity { get; init; }

    /// <summary>Set by the security manager: closes the live sessions the new view refuses; returns how many.</summary>
    public Func<FleetView, int>? Enforce { get; set; }

    /// <summary>Where the next read starts: the last entry seen, valid or not (rejected entries are not read twice).</summary>
    public StreamId Cursor => ReadCursor();

    /// <summary>The last entry applied (the state in force covers every valid entry up to it).</summary>
    public StreamId LastApplied => Current.LastId;

    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Entries skipped as forged, tampered, replayed or unreadable, and snapshots refused.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Entries delivered again at or before the cursor (a reconnect's overlap), skipped.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Valid entries whose predecessor this node never got and no snapshot covered (applied anyway).</summary>
    public long Gaps => Interlocked.Read(ref _gaps);

    public long SnapshotsLoaded => Interlocked.Read(ref _snapshotsLoaded);

    /// <summary>True while the follower holds a working connection to the hub.</summary>
    public bool Connected
    {
        get => Volatile.Read(ref _connected) == 1;
        set => Volatile.Write(ref _connected, value ? 1 : 0);
    }

    /// <summary>Seconds since this node last knew it had everything the hub had (0 while following live).</summary>
    public double LagSeconds => Connected ? 0 : Math.Max(0, (NowMs - Interlocked.Read(ref _caughtUpAtMs)) / 1000.0);

    /// <summary>After this many entries applied since the last snapshot, a publisher compacts.</summary>
    public int CompactEvery { get; set; } = 1000;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private StreamId ReadCursor()
    {
        lock (_state)
        {
            return _cursor;
        }
    }

    private void MoveCursor(StreamId id)
    {
        lock (_state)
        {
            if (id > _cursor)
            {
                _cursor = id;
            }
        }
    }

    /// <summary>The follower has just read everything the hub had.</summary>
    internal void MarkCaughtUp() => Interlocked.Exchange(ref _caughtUpAtMs, NowMs);

    /// <summary>Applies a batch the hub delivered (in stream order). Returns how many entries were applied.</summary>
    public async Task<int> ApplyAsync(IReadOnlyList<FleetRawEntry> entries, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ApplyLockedAsync(entries, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task<int> ApplyLockedAsync(IReadOnlyList<FleetRawEntry> entries, CancellationToken cancellationToken)
    {
        var changes = new List<FleetChange>();
        var applied = 0;
        foreach (var raw in entries)
        {
            if (raw.Id <= ReadCursor())
            {
                Interlocked.Increment(ref _duplicates);
                continue;
            }
            // The cursor moves past an entry only once it is dealt with (applied or rejected): a batch cut short by
            // the hub going away mid-way is read again from the first entry not dealt with.
            if (Check(raw) is not { } entry)
            {
                MoveCursor(raw.Id);
                continue;
            }
            if (entry.Prev > _state.LastId)
            {
                // Entries between are missing: trimmed (a snapshot covers them) or lost with the hub's memory.
                Persist(changes);
                changes.Clear();
                if (await TryLoadSnapshotLockedAsync(cancellationToken).ConfigureAwait(false) && entry.Id <= _state.LastId)
                {
                    MoveCursor(raw.Id);
                    continue;
                }
                if (entry.Prev > _state.LastId)
                {
                    Interlocked.Increment(ref _gaps);
                    SecurityLog.FleetGap(_logger, entry.Id.ToString(), entry.Prev.ToString(), _state.LastId.ToString());
                }
            }
            if (!FleetDecision.TryParse(entry.Payload, out var decision, out _))
            {
                MoveCursor(raw.Id);
                continue; // checked by Check already; kept so a decision is never applied unread
            }
            changes.Add(_state.Apply(decision));
            _state.LastId = entry.Id;
            MoveCursor(raw.Id);
            applied++;
            Interlocked.Increment(ref _applied);
            Interlocked.Increment(ref _sinceSnapshot);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                SecurityLog.FleetApplied(_logger, entry.Id.ToString(), decision.ToString());
            }
        }
        Persist(changes);
        return applied;
    }

    /// <summary>The entry, when it is readable and signed by an operator over this fleet and this id; null (counted) otherwise.</summary>
    private FleetEntry? Check(FleetRawEntry raw)
    {
        var entry = FleetEntry.FromFields(raw.Id, raw.Fields);
        var verdict = entry is null || !FleetDecision.TryParse(entry.Payload, out _, out _) ? FleetVerdict.Malformed : _signing.Verify(entry);
        if (verdict == FleetVerdict.Valid)
        {
            return entry;
        }
        Interlocked.Increment(ref _rejected);
        var signer = entry is null ? "-" : SafeSigner(entry.SignerPublicKey);
        SecurityLog.FleetRejected(_logger, raw.Id.ToString(), verdict switch
        {
            FleetVerdict.UnknownSigner => "signer_not_in_FLEET_OPERATOR_KEYS",
            FleetVerdict.BadSignature => "bad_signature",
            _ => "malformed",
        }, signer);
        return null;
    }

    private static string SafeSigner(byte[] spki) => spki.Length == 0 ? "-" : NodeKey.FromSubjectPublicKeyInfo(spki).ToShortString();

    /// <summary>Writes the batch through, publishes the new view and closes the sessions it refuses.</summary>
    private void Persist(List<FleetChange> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }
        try
        {
            _store.ApplyFleet(_state.LastId, changes);
        }
        catch (Exception ex)
        {
            // In force anyway: a block not written is read again from the hub after a restart (the stored last id
            // is older), an unblock not written only keeps the block longer. Neither fails open.
            SecurityLog.FleetStoreFailed(_logger, "apply", ex.Message);
        }
        PublishView();
    }

    private void PublishView()
    {
        var view = _state.ToView(NowMs);
        Interlocked.Exchange(ref _current, view);
        Interlocked.Increment(ref _revision);
        Published?.Invoke(); // the composer's view holds it before the eviction pass below judges anyone
        Enforce?.Invoke(view);
    }

    /// <summary>
    /// Loads the hub's snapshot when it is signed by an operator for this fleet and covers more than this node has
    /// applied; never one that covers less (that would roll back decisions). True when one was loaded.
    /// </summary>
    public async Task<bool> TryLoadSnapshotAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await TryLoadSnapshotLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task<bool> TryLoadSnapshotLockedAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var snapshot = await _hub.ReadSnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot is null || snapshot.Covers <= _state.LastId)
        {
            return false;
        }
        var verdict = _signing.Verify(snapshot);
        var decisions = verdict == FleetVerdict.Valid ? FleetState.ParseBody(snapshot.Body, out var error) : null;
        if (decisions is null)
        {
            Interlocked.Increment(ref _rejected);
            SecurityLog.FleetSnapshotRejected(_logger, snapshot.Covers.ToString(), verdict == FleetVerdict.Valid ? "malformed" : verdict.ToString());
            return false;
        }
        var previous = _state.LastId;
        _state.Clear();
        foreach (var decision in decisions)
        {
            _state.Apply(decision);
        }
        _state.LastId = snapshot.Covers;
        MoveCursor(snapshot.Covers);
        // In force first, then written through: a snapshot only ever adds what operators signed, and the stored last
        // id moves with the rows in one transaction, so a crash between the two reads the snapshot again.
        PublishView();
        var enforcingMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            _store.ReplaceFleet(snapshot.Covers, decisions);
        }
        catch (Exception ex)
        {
            SecurityLog.FleetStoreFailed(_logger, "snapshot", ex.Message);
        }
        Interlocked.Increment(ref _snapshotsLoaded);
        Interlocked.Exchange(ref _sinceSnapshot, 0);
        SecurityLog.FleetSnapshotLoaded(_logger, snapshot.Covers.ToString(), decisions.Count, previous.ToString(), enforcingMs,
            (long)_time.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    /// <summary>Rebuilds the view when a ban in it has expired, so the count in force stays true (the gates compare expiries themselves).</summary>
    internal void DropExpired()
    {
        if (!_writer.Wait(0))
        {
            return;
        }
        try
        {
            var gone = _state.DropExpired(NowMs);
            if (gone.Count > 0)
            {
                Persist([.. gone.Select(t => new FleetChange(t, FleetRow.Refusal, null))]);
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// The first 16 hex digits of SHA-256 over the snapshot body of the state in force: two nodes with the same
    /// digest and the same <see cref="LastApplied"/> hold exactly the same fleet decisions. Null when the writer is
    /// busy for longer than a second.
    /// </summary>
    public string? Digest()
    {
        if (!_writer.Wait(TimeSpan.FromSeconds(1)))
        {
            return null;
        }
        try
        {
            var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_state.ToSnapshotBody(NowMs)));
            return Convert.ToHexStringLower(hash)[..16];
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose() => _writer.Dispose();
}
