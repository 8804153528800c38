using P2PSecurity.Core.Logging;

namespace P2PSecurity.Core.Bans;

public sealed partial class BanList
{
    // Reasons of automatic bans, one string per offence, shared by every ban (a million bans, no million strings).
    private static readonly string[] AutomaticReasons =
        [.. Enum.GetValues<Offence>().Select(o => $"strikes (last: {o.Code()})")];

    private enum OperationKind
    {
        Ban,
        Unban,
        AutoBan,
        Housekeeping,
    }

    private sealed class Operation(OperationKind kind, BanTarget target, TimeSpan? duration = null, string? reason = null,
        int strikes = 0, Offence offence = Offence.None, bool answered = true)
    {
        public OperationKind Kind => kind;

        public BanTarget Target => target;

        public TimeSpan? Duration => duration;

        public string? Reason => reason;

        public int Strikes => strikes;

        public Offence Offence => offence;

        /// <summary>Completed when the change is stored and in force; null for changes nobody waits for.</summary>
        public TaskCompletionSource<BanOutcome>? Done { get; } = answered ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Operation>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var op))
            {
                batch.Add(op);
            }
            try
            {
                ApplyBatch(batch);
            }
            catch (Exception ex)
            {
                // A bug here must not stop the writer: every later ban would hang. Fail this batch and go on.
                SecurityLog.InternalError(_logger, ex, "ban_writer", "-");
                foreach (var op in batch)
                {
                    op.Done?.TrySetException(ex);
                }
            }
        }
    }

    private void ApplyBatch(List<Operation> batch)
    {
        var now = NowMs;
        var settings = _settings();
        var changes = new BanStoreChanges();
        var undo = new List<(BanTarget Target, Ban? Before)>();
        var added = new List<Ban>();
        var results = new BanOutcome?[batch.Count];
        var housekeeping = false;
        for (var i = 0; i < batch.Count; i++)
        {
            var op = batch[i];
            switch (op.Kind)
            {
                case OperationKind.Ban:
                    results[i] = ApplyBan(new Ban(op.Target, BanSource.Operator, op.Reason ?? string.Empty, now,
                        op.Duration is { } d ? now + (long)d.TotalMilliseconds : Ban.Forever), settings, changes, undo, added);
                    break;
                case OperationKind.Unban:
                    var removed = _table.Remove(op.Target);
                    if (removed is not null)
                    {
                        undo.Add((op.Target, removed));
                        changes.Deletes.Add(op.Target);
                        SecurityLog.BanRemoved(_logger, op.Target.ToString(), removed.Source.Name());
                    }
                    results[i] = new BanOutcome(removed is null ? BanOutcomeStatus.NotFound : BanOutcomeStatus.Removed, removed);
                    break;
                case OperationKind.AutoBan:
                    Interlocked.Decrement(ref _queuedAutomatic);
                    ApplyAutoBan(op, now, settings, changes, undo, added);
                    break;
                case OperationKind.Housekeeping:
                    housekeeping = true;
                    results[i] = new BanOutcome(BanOutcomeStatus.Removed, null);
                    break;
            }
        }
        var expired = new List<Ban>();
        if (housekeeping)
        {
            Interlocked.Exchange(ref _housekeepingQueued, 0);
            expired = _table.RemoveExpired(now);
            foreach (var ban in expired)
            {
                undo.Add((ban.Target, ban));
                changes.Deletes.Add(ban.Target);
            }
            var (offenders, forgotten) = Strikes.TakeChanges();
            changes.Offenders.AddRange(offenders);
            changes.ForgottenOffenders.AddRange(forgotten);
        }
        if (!changes.IsEmpty)
        {
            try
            {
                _store.Apply(changes);
            }
            catch (BanStoreException ex)
            {
                for (var u = undo.Count - 1; u >= 0; u--)
                {
                    _table.Restore(undo[u].Target, undo[u].Before);
                }
                SecurityLog.BanStoreFailed(_logger, "write", ex.Message);
                foreach (var op in batch)
                {
                    op.Done?.TrySetException(ex);
                }
                return;
            }
        }
        var closed = 0;
        if (undo.Count > 0)
        {
            Publish();
            if (added.Count > 0 && Enforce is { } enforce)
            {
                closed = enforce(Current, added);
            }
        }
        LogExpired(expired);
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i] is { } result)
            {
                batch[i].Done?.TrySetResult(result.Status is BanOutcomeStatus.Added or BanOutcomeStatus.Updated ? result with { SessionsClosed = closed } : result);
            }
        }
    }

    private BanOutcome ApplyBan(Ban ban, AutoBanSettings settings, BanStoreChanges changes, List<(BanTarget, Ban?)> undo, List<Ban> added)
    {
        if (!_table.TryPut(ban, settings.MaxBans, out var previous, out var displaced))
        {
            SecurityLog.BanTableFull(_logger, ban.Target.ToString(), ban.Source.Name(), settings.MaxBans);
            return new BanOutcome(BanOutcomeStatus.Full, null);
        }
        if (displaced is not null)
        {
            undo.Add((displaced.Target, displaced));
            changes.Deletes.Add(displaced.Target);
            SecurityLog.BanDisplaced(_logger, displaced.Target.ToString(), settings.MaxBans);
        }
        undo.Add((ban.Target, previous));
        changes.Upserts.Add(ban);
        added.Add(ban);
        SecurityLog.BanAdded(_logger, ban.Target.ToString(), ban.Source.Name(), LogText.Escape(ban.Reason),
            ban.IsForever ? BanDuration.ForeverText : ban.ExpiresAt!.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return new BanOutcome(previous is null ? BanOutcomeStatus.Added : BanOutcomeStatus.Updated, ban, previous, displaced);
    }

    private void ApplyAutoBan(Operation op, long now, AutoBanSettings settings, BanStoreChanges changes, List<(BanTarget, Ban?)> undo, List<Ban> added)
    {
        var target = op.Target;
        var key = target.First;
        var existing = _table.Get(target);
        if (settings.Mode == AutoBanMode.Off || settings.Exempt.Contains(key) || existing?.IsActive(now) == true)
        {
            Strikes.BanDropped(key, now);
            return;
        }
        if (IsProtected?.Invoke(target) == true)
        {
            SecurityLog.AutoBanSkippedAllowedNode(_logger, target.ToString(), op.Strikes);
            Strikes.BanDropped(key, now);
            return;
        }
        var previousBans = Strikes.Find(key)?.Bans ?? 0;
        var duration = settings.DurationAfter(previousBans);
        if (settings.Mode == AutoBanMode.Log)
        {
            SecurityLog.AutoBanWouldBan(_logger, target.ToString(), op.Strikes, op.Offence.Code(), BanDuration.Format(duration), previousBans + 1);
            Strikes.BanDropped(key, now);
            return;
        }
        var ban = new Ban(target, BanSource.Automatic, AutomaticReasons[(int)op.Offence], now, now + (long)duration.TotalMilliseconds);
        var outcome = ApplyBan(ban, settings, changes, undo, added);
        if (outcome.Status == BanOutcomeStatus.Full)
        {
            Strikes.BanDropped(key, now);
            return;
        }
        Strikes.BanMade(key, now);
        SecurityLog.AutoBan(_logger, target.ToString(), op.Strikes, op.Offence.Code(), BanDuration.Format(duration), previousBans + 1);
    }

    private void LogExpired(List<Ban> expired)
    {
        const int Detailed = 100;
        foreach (var ban in expired.Take(Detailed))
        {
            SecurityLog.BanExpired(_logger, ban.Target.ToString(), ban.Source.Name());
        }
        if (expired.Count > Detailed)
        {
            SecurityLog.BansExpired(_logger, expired.Count);
        }
    }
}
