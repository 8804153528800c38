using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Sources;

namespace P2PSecurity.Core.Bans;

/// <summary>
/// Bans as a policy source beside the policy file: operator bans (with an expiry or forever) and automatic bans from
/// strikes, kept in the state database. Decisions read <see cref="Current"/>, one immutable
/// <see cref="BanSnapshot"/>, and never touch the database.
/// </summary>
/// <remarks>
/// One writer: every change goes through a queue to a single loop that applies a batch to the table, writes the
/// batch to the store in one durable transaction, publishes a new snapshot with one <see cref="Interlocked.Exchange{T}"/>,
/// closes the live sessions the new bans cover, and only then answers. So an acknowledged ban survives a crash and
/// is in force, and a burst of bans (a flood of offenders) shares one write and one snapshot build.
/// </remarks>
public sealed partial class BanList : IPolicySource<BanSnapshot>, IDisposable
{
    /// <summary>Automatic bans waiting for the writer; beyond this a ban is not asked for (the offender's next strike asks again).</summary>
    public const int MaxQueuedAutomaticBans = 10_000;

    private const int MaxBatch = 4096;
    private static readonly TimeSpan HousekeepingPeriod = TimeSpan.FromSeconds(1);

    /// <summary>How far ahead of the clock <see cref="_notReachedMs"/> is set: two housekeeping periods, so a tick may come up to a period late.</summary>
    private static readonly long NotReachedAheadMs = 2 * (long)HousekeepingPeriod.TotalMilliseconds;

    private readonly IBanStore _store;
    private readonly Func<AutoBanSettings> _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly BanTable _table = new();
    private readonly Channel<Operation> _queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly ITimer _housekeeping;
    private BanSnapshot _current = BanSnapshot.Empty;
    private long _version;
    private int _queuedAutomatic;
    private int _housekeepingQueued;
    private int _disposed;

    // A time the injected clock has not reached yet: the last reading plus NotReachedAheadMs, moved on by the
    // housekeeping timer every period (a fake clock fires that timer at every tick it passes). A ban expiring at or
    // after it holds now without a clock read, which on this hardware costs more than the whole refusal at accept.
    private long _notReachedMs;

    private BanList(IBanStore store, Func<AutoBanSettings> settings, ILogger logger, TimeProvider time, int strikeCapacity)
    {
        _store = store;
        _settings = settings;
        _logger = logger;
        _time = time;
        _notReachedMs = NowMs + NotReachedAheadMs;
        Strikes = new StrikeTracker(strikeCapacity);
        _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        _housekeeping = time.CreateTimer(_ => QueueHousekeeping(), null, HousekeepingPeriod, HousekeepingPeriod);
    }

    /// <summary>
    /// Loads the store and starts the writer. Throws <see cref="BanStoreException"/> when the store cannot be read:
    /// a server must not start with no bans when it has bans it cannot read (that fails open).
    /// </summary>
    public static BanList Open(IBanStore store, Func<AutoBanSettings> settings, ILogger? logger = null, TimeProvider? time = null,
        int strikeCapacity = StrikeTracker.DefaultCapacity)
    {
        logger ??= NullLogger.Instance;
        time ??= TimeProvider.System;
        var contents = store.Load();
        var list = new BanList(store, settings, logger, time, strikeCapacity);
        var now = list.NowMs;
        foreach (var ban in contents.Bans)
        {
            list._table.TryPut(ban, int.MaxValue, out _, out _);
        }
        list.Strikes.Load(contents.Offenders);
        list.Publish();
        SecurityLog.BansLoaded(logger, contents.Bans.Count(b => b.IsActive(now)), contents.Offenders.Count);
        return list;
    }

    /// <summary>The bans in force. Read it once per decision.</summary>
    public BanSnapshot Current => Volatile.Read(ref _current);

    string IPolicySource<BanSnapshot>.Name => "bans";

    BanSnapshot IPolicySource<BanSnapshot>.Snapshot => Current;

    long IPolicySource<BanSnapshot>.Revision => Current.Version;

    /// <summary>Raised by the writer after it publishes a snapshot, before it closes the sessions the new bans cover.</summary>
    public event Action? Published;

    /// <summary>Strike counts and ban history per offender.</summary>
    public StrikeTracker Strikes { get; }

    /// <summary>The settings in force (AUTO_BAN_*, MAX_BANS).</summary>
    public AutoBanSettings Settings => _settings();

    /// <summary>Now, in Unix milliseconds, on the injected clock: the time every expiry is compared with.</summary>
    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// True when a ban expiring at <paramref name="expiresAtMs"/> (0: no ban) holds now, exactly as
    /// <c>NowMs &lt; expiresAtMs</c>. The clock is read only for a ban that expires within the next two seconds (or
    /// has expired and is not dropped yet): any later expiry is compared with a time not reached yet, kept by the
    /// housekeeping timer, so the decision on a banned address costs one comparison.
    /// </summary>
    public bool Holds(long expiresAtMs) =>
        expiresAtMs > 0 && (expiresAtMs >= Volatile.Read(ref _notReachedMs) || NowMs < expiresAtMs);

    /// <summary>
    /// Set by the security manager: true when a welcomed session of an allowed node comes from inside the block, which
    /// then is never banned automatically. Called by the writer, never on a decision's path.
    /// </summary>
    public Func<BanTarget, bool>? IsProtected { get; set; }

    /// <summary>Set by the security manager: closes the live sessions a new snapshot bans; returns how many.</summary>
    public Func<BanSnapshot, IReadOnlyList<Ban>, int>? Enforce { get; set; }

    /// <summary>
    /// Bans a target for <paramref name="duration"/> (null: forever) as an operator. Completes once the ban is stored
    /// durably and in force, with its live sessions closed; <see cref="BanOutcomeStatus.Full"/> when MAX_BANS operator
    /// bans are held.
    /// </summary>
    public Task<BanOutcome> BanAsync(BanTarget target, TimeSpan? duration, string reason) =>
        Enqueue(new Operation(OperationKind.Ban, target, duration, reason));

    /// <summary>Removes the ban on exactly this target (whoever made it). The next connection is decided without it.</summary>
    public Task<BanOutcome> UnbanAsync(BanTarget target) => Enqueue(new Operation(OperationKind.Unban, target));

    /// <summary>Drops expired bans and writes strike counts now (also done every second).</summary>
    public Task FlushAsync() => Enqueue(new Operation(OperationKind.Housekeeping, default));

    /// <summary>
    /// Counts an offence against an address. Called on decision paths: never blocks on the writer, never throws;
    /// a ban it leads to is in force as soon as the writer has stored it.
    /// </summary>
    public void Strike(UInt128 addressKey, Offence offence)
    {
        try
        {
            var settings = _settings();
            if (settings.Mode == AutoBanMode.Off || offence.Weight() == 0 || settings.Exempt.Contains(addressKey))
            {
                return;
            }
            var target = settings.OffenderOf(addressKey);
            var (strikes, reached) = Strikes.Record(target.First, offence, NowMs, settings);
            if (!reached)
            {
                return;
            }
            if (Interlocked.Increment(ref _queuedAutomatic) > MaxQueuedAutomaticBans ||
                !_queue.Writer.TryWrite(new Operation(OperationKind.AutoBan, target, strikes: strikes, offence: offence, answered: false)))
            {
                Interlocked.Decrement(ref _queuedAutomatic);
                Strikes.BanDropped(target.First, NowMs);
            }
        }
        catch (Exception ex)
        {
            // A strike is bookkeeping for a decision already made; its fault must not change that decision.
            SecurityLog.InternalError(_logger, ex, "strike", "-");
        }
    }

    private Task<BanOutcome> Enqueue(Operation operation)
    {
        if (!_queue.Writer.TryWrite(operation))
        {
            return Task.FromException<BanOutcome>(new ObjectDisposedException(nameof(BanList), "the server is stopping"));
        }
        return operation.Done!.Task;
    }

    private void QueueHousekeeping()
    {
        var now = NowMs;
        Volatile.Write(ref _notReachedMs, now + NotReachedAheadMs);
        var due = Current.NextExpiryMs <= now || Strikes.HasChanges;
        if (due && Interlocked.Exchange(ref _housekeepingQueued, 1) == 0 &&
            !_queue.Writer.TryWrite(new Operation(OperationKind.Housekeeping, default, answered: false)))
        {
            Interlocked.Exchange(ref _housekeepingQueued, 0);
        }
    }

    private void Publish()
    {
        var snapshot = BanSnapshot.Build(++_version, _table.Values);
        Interlocked.Exchange(ref _current, snapshot);
        Published?.Invoke();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _housekeeping.Dispose();
        _queue.Writer.TryComplete();
        if (!_writer.Wait(TimeSpan.FromSeconds(10)))
        {
            SecurityLog.BanStoreFailed(_logger, "stop", "the writer did not finish within 10 s; strike counts of the last second may be lost");
        }
        else
        {
            // The writer is done: this thread is now the only one that touches the store.
            FlushStrikes();
        }
        _store.Dispose();
    }

    private void FlushStrikes()
    {
        var (changed, forgotten) = Strikes.TakeChanges();
        if (changed.Count == 0 && forgotten.Count == 0)
        {
            return;
        }
        var changes = new BanStoreChanges();
        changes.Offenders.AddRange(changed);
        changes.ForgottenOffenders.AddRange(forgotten);
        try
        {
            _store.Apply(changes);
        }
        catch (BanStoreException ex)
        {
            SecurityLog.BanStoreFailed(_logger, "strikes", ex.Message);
        }
    }
}
