using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Sources;

namespace P2PSecurity.Core.Lockdown;

/// <summary>
/// The operator's kill switch, a policy source of its own beside the policy file: one immutable
/// <see cref="LockdownState"/> swapped whole, kept across restarts by an <see cref="ILockdownStore"/> (the state
/// database in the server), and lifted by a timer on the injected clock when it was engaged <c>--for</c> a while.
/// </summary>
/// <remarks>
/// Readers take <see cref="Current"/> without a lock. Writers (engage, lift, expiry) take one lock, so that the
/// snapshot in memory and the stored state change in the same order. A stored state that cannot be read fails
/// closed: the server starts locked down and says why.
/// </remarks>
public sealed class LockdownSwitch : IPolicySource<LockdownState>, IDisposable
{
    private readonly ILockdownStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private LockdownState _state;
    private ITimer? _expiry;
    private DateTimeOffset? _policyFileSince;
    private long _revision = 1;

    private LockdownSwitch(ILockdownStore store, LockdownState state, TimeProvider time, ILogger logger)
    {
        _store = store;
        _state = state;
        _time = time;
        _logger = logger;
    }

    /// <summary>Reads the state file at <paramref name="statePath"/> (see <see cref="LockdownFileStore"/>) and arms the expiry.</summary>
    public static LockdownSwitch Open(string statePath, TimeProvider? time = null, ILogger? logger = null) =>
        Open(new LockdownFileStore(statePath), time, logger);

    /// <summary>Reads the stored state and arms the expiry of a lockdown <c>--for</c> a while.</summary>
    public static LockdownSwitch Open(ILockdownStore store, TimeProvider? time = null, ILogger? logger = null)
    {
        time ??= TimeProvider.System;
        logger ??= NullLogger.Instance;
        var state = store.Read(out var error);
        if (state is null)
        {
            SecurityLog.LockdownStateUnreadable(logger, store.Location, LogText.Escape(error));
            state = new LockdownState
            {
                Active = true,
                Since = time.GetUtcNow(),
                Reason = "the lockdown state cannot be read; locked down until an operator lifts it",
            };
        }
        var lockdown = new LockdownSwitch(store, state, time, logger);
        if (state.Until is { } until && until <= time.GetUtcNow())
        {
            // It ran out while the server was down: lift it, and say so on disk too.
            lockdown.LiftIf(state, "expiry");
        }
        else if (state.Active)
        {
            SecurityLog.LockdownRestored(logger, state.Describe(), LogText.Escape(state.Reason ?? "-"), store.Location);
            lock (lockdown._lock)
            {
                lockdown.ArmExpiry(state);
            }
        }
        return lockdown;
    }

    string IPolicySource<LockdownState>.Name => "lockdown";

    /// <summary>The state as last published, expiry not applied (a view applies it at each decision: <see cref="PolicyView.LockdownAt"/>).</summary>
    LockdownState IPolicySource<LockdownState>.Snapshot => Volatile.Read(ref _state);

    long IPolicySource<LockdownState>.Revision => Interlocked.Read(ref _revision);

    /// <summary>Raised under the switch's lock right after the swap, before the change is written to disk or acted on.</summary>
    public event Action? Published;

    /// <summary>
    /// A switch kept in memory only (a gate built from an in-memory policy, for tests and embedders): it starts off,
    /// and its changes are kept nowhere else.
    /// </summary>
    public static LockdownSwitch InMemory(TimeProvider? time = null, ILogger? logger = null) =>
        Open(new MemoryLockdownStore(), time, logger);

    /// <summary>Where the state is kept (the state database, or a file beside the policy file).</summary>
    public string StatePath => _store.Location;

    /// <summary>The operator's lockdown now (read it once per decision). A lockdown past its end reads as off even before its timer has run.</summary>
    public LockdownState Current
    {
        get
        {
            var state = Volatile.Read(ref _state);
            return state.Until is { } until && _time.GetUtcNow() >= until ? LockdownState.Off : state;
        }
    }

    /// <summary>
    /// When the policy file's <c>LOCKDOWN=true</c> came into force (for status), or null while the file does not
    /// ask for a lockdown.
    /// </summary>
    public DateTimeOffset? PolicyFileSince
    {
        get
        {
            lock (_lock)
            {
                return _policyFileSince;
            }
        }
    }

    /// <summary>Raised after the operator's lockdown changed (engaged, lifted, expired), outside the lock.</summary>
    public event EventHandler<LockdownChange>? Changed;

    /// <summary>Locks down now. Engaging again replaces the options and keeps the original "since".</summary>
    public LockdownChange Engage(LockdownOptions options)
    {
        LockdownChange change;
        lock (_lock)
        {
            var before = Current;
            var now = _time.GetUtcNow();
            var state = new LockdownState
            {
                Active = true,
                AllowTrusted = options.AllowTrusted,
                KeepSessions = options.KeepSessions,
                Reason = string.IsNullOrWhiteSpace(options.Reason) ? null : LockdownStore.Cut(options.Reason.Trim()),
                Since = before.Active ? before.Since : now,
                Until = options.For is { } duration ? now + duration : null,
                Source = LockdownState.FromControl,
            };
            change = SwapLocked(before, state, now);
        }
        SecurityLog.LockdownEngaged(_logger, change.After.Describe(), LogText.Escape(change.After.Reason ?? "-"),
            change.After.Until?.ToString("o", System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        Raise(change);
        return change;
    }

    /// <summary>Lifts the operator's lockdown (a no-op when there is none). The policy file's LOCKDOWN=true is not lifted by this.</summary>
    public LockdownChange Lift() => LiftIf(null, "operator");

    /// <summary>Records whether the policy in force asks for a lockdown, and since when.</summary>
    public void ObservePolicy(bool lockdown, DateTimeOffset at)
    {
        lock (_lock)
        {
            var was = _policyFileSince is not null;
            if (lockdown == was)
            {
                return;
            }
            _policyFileSince = lockdown ? at : null;
        }
        if (lockdown)
        {
            SecurityLog.LockdownEngaged(_logger, LockdownState.PolicyFile.Describe(), "LOCKDOWN=true in the policy file", "-");
        }
        else
        {
            SecurityLog.LockdownLifted(_logger, "policy_file");
        }
    }

    private LockdownChange LiftIf(LockdownState? expected, string by)
    {
        LockdownChange change;
        lock (_lock)
        {
            var state = Volatile.Read(ref _state);
            if (!state.Active || (expected is not null && !ReferenceEquals(state, expected)))
            {
                return new LockdownChange(state.Active ? state : LockdownState.Off, state.Active ? state : LockdownState.Off, null);
            }
            change = SwapLocked(state, LockdownState.Off, _time.GetUtcNow());
        }
        SecurityLog.LockdownLifted(_logger, by);
        Raise(change);
        return change;
    }

    private LockdownChange SwapLocked(LockdownState before, LockdownState after, DateTimeOffset now)
    {
        Interlocked.Exchange(ref _state, after);
        Interlocked.Increment(ref _revision);
        Published?.Invoke();
        ArmExpiry(after);
        string? persistError = null;
        if (!_store.TryWrite(after, now, out var error))
        {
            // The change is in force in memory either way: a lockdown must not wait for a disk.
            persistError = error;
            SecurityLog.LockdownPersistFailed(_logger, StatePath, LogText.Escape(error));
        }
        return new LockdownChange(before, after, persistError);
    }

    /// <summary>Replaces the expiry timer; a state past its end is lifted at once (on the timer's thread).</summary>
    private void ArmExpiry(LockdownState state)
    {
        _expiry?.Dispose();
        _expiry = null;
        if (state.Until is not { } until)
        {
            return;
        }
        var due = until - _time.GetUtcNow();
        _expiry = _time.CreateTimer(static s =>
        {
            var (owner, expected) = ((LockdownSwitch, LockdownState))s!;
            owner.LiftIf(expected, "expiry");
        }, (this, state), due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private void Raise(LockdownChange change)
    {
        try
        {
            Changed?.Invoke(this, change);
        }
        catch (Exception ex)
        {
            // An observer's fault must not undo or hide the change, which is in force already.
            SecurityLog.InternalError(_logger, ex, "lockdown_observer", "-");
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _expiry?.Dispose();
            _expiry = null;
        }
    }
}
