using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Logging;

namespace P2PSecurity.Core.Fleet;

public sealed partial class FleetSync
{
    private const int MaxPublishTries = 20;
    private static readonly TimeSpan RetryBound = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Signs <paramref name="decision"/> with <paramref name="signer"/> and appends it to the stream, then applies it
    /// here before returning, so this node enforces it when the caller hears back. The id is chosen here (the next
    /// after the stream's last and this node's cursor) because the signature covers it; the append succeeds only if
    /// no one appended meanwhile, else this node reads what came and tries again. A lost answer is retried with the
    /// same entry, which the hub recognises: a decision is never appended twice.
    /// </summary>
    /// <returns>The decision's stream id (its revision).</returns>
    public async Task<StreamId> PublishAsync(FleetDecision decision, NodeIdentity signer, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; attempt < MaxPublishTries; attempt++)
            {
                await CatchUpLockedAsync(cancellationToken).ConfigureAwait(false);
                var top = await _hub.TopAsync(cancellationToken).ConfigureAwait(false);
                if (await HubLostStateAsync(top, cancellationToken).ConfigureAwait(false))
                {
                    // The hub has lost entries this node applied (a Redis restarted without its data): put the state
                    // there as a snapshot first, so a node that missed them recovers them instead of finding a gap.
                    await CompactLockedAsync(signer, cancellationToken).ConfigureAwait(false);
                    top = await _hub.TopAsync(cancellationToken).ConfigureAwait(false);
                }
                var after = top > ReadCursor() ? top : ReadCursor();
                var entry = _signing.Sign(signer, StreamId.Next(after, NowMs), _state.LastId, decision);
                var outcome = await AppendWithRetryAsync(entry, top, cancellationToken).ConfigureAwait(false);
                if (outcome == FleetAppendOutcome.Conflict)
                {
                    continue;
                }
                await ApplyLockedAsync([new FleetRawEntry(entry.Id, entry.Fields().ToDictionary(f => f.Key, f => f.Value))], cancellationToken).ConfigureAwait(false);
                SecurityLog.FleetPublished(_logger, entry.Id.ToString(), decision.ToString());
                if (Interlocked.Read(ref _sinceSnapshot) >= CompactEvery)
                {
                    await CompactLockedAsync(signer, cancellationToken).ConfigureAwait(false);
                }
                return entry.Id;
            }
            throw new FleetHubException($"the stream kept moving: {MaxPublishTries} tries to append were overtaken by other publishers");
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Appends, and when the answer is lost (the hub went away mid-call) tries the same entry again for a few seconds:
    /// it is either there already (<see cref="FleetAppendOutcome.AlreadyThere"/>) or added now, never twice.
    /// </summary>
    private async Task<FleetAppendOutcome> AppendWithRetryAsync(FleetEntry entry, StreamId top, CancellationToken cancellationToken)
    {
        try
        {
            return await _hub.AppendAsync(entry, top, cancellationToken).ConfigureAwait(false);
        }
        catch (FleetHubException first)
        {
            var deadline = _time.GetTimestamp();
            var delay = TimeSpan.FromMilliseconds(100);
            while (_time.GetElapsedTime(deadline) < RetryBound)
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
                try
                {
                    return await _hub.AppendAsync(entry, null, cancellationToken).ConfigureAwait(false);
                }
                catch (FleetHubException)
                {
                    // Still away: try again until the bound.
                }
            }
            throw new FleetHubException($"the fleet hub is unreachable; the decision was not published ({first.Message})", first);
        }
    }

    /// <summary>Reads and applies whatever the hub has after the cursor, without waiting.</summary>
    private async Task CatchUpLockedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = await _hub.ReadAsync(ReadCursor(), 1000, null, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return;
            }
            await ApplyLockedAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a snapshot of the state in force, signed by <paramref name="signer"/>, and trims the entries it covers
    /// from the stream. Returns the id it covers, or null when the hub already holds one covering as much.
    /// </summary>
    public async Task<StreamId?> CompactAsync(NodeIdentity signer, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CatchUpLockedAsync(cancellationToken).ConfigureAwait(false);
            return await CompactLockedAsync(signer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task<StreamId?> CompactLockedAsync(NodeIdentity signer, CancellationToken cancellationToken)
    {
        var covers = _state.LastId;
        if (covers.IsZero)
        {
            return null;
        }
        var snapshot = _signing.SignSnapshot(signer, covers, _state.ToSnapshotBody(NowMs));
        if (!await _hub.WriteSnapshotAsync(snapshot, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        // Entries before the covered one go; the covered one stays, so the stream never looks empty to a follower.
        await _hub.TrimAsync(covers, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _sinceSnapshot, 0);
        SecurityLog.FleetSnapshotWritten(_logger, covers.ToString(), _state.Count);
        return covers;
    }

    /// <summary>
    /// True when the hub cannot give a node what this node has applied: its stream ends before this node's last id,
    /// or it holds no snapshot at all (a Redis restarted without its data; anyone may have appended since, a forger
    /// too, so the stream's top alone does not tell).
    /// </summary>
    private async Task<bool> HubLostStateAsync(StreamId top, CancellationToken cancellationToken) =>
        !_state.LastId.IsZero && (top < _state.LastId || await _hub.ReadSnapshotCoversAsync(cancellationToken).ConfigureAwait(false) is null);

    /// <summary>
    /// After a (re)connect: a node with nothing applied starts from the snapshot; an operator node that finds the
    /// stream behind what it has applied (the hub lost its memory) writes its state as the snapshot, so nodes that
    /// missed entries can recover them.
    /// </summary>
    public async Task OnConnectedAsync(NodeIdentity? operatorIdentity, CancellationToken cancellationToken)
    {
        if (LastApplied.IsZero)
        {
            await TryLoadSnapshotAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        if (operatorIdentity is not null && _signing.Operators.Contains(operatorIdentity.NodeKey) &&
            await HubLostStateAsync(await _hub.TopAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false))
        {
            await CompactAsync(operatorIdentity, cancellationToken).ConfigureAwait(false);
        }
    }
}
