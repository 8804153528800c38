using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Connections;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Metrics;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Sources;

namespace P2PSecurity.Core.Security;

/// <summary>
/// Decides, for every connection and message, whether a peer may be there, against the policy file in force.
/// </summary>
/// <remarks>
/// Policy (what the file says) is one immutable <see cref="SecurityPolicy"/> swapped whole on reload; state
/// (connection counts, rate buckets, live connections) lives in <see cref="IpState"/> and survives reloads.
/// Decisions never throw and never wait for a reload: an internal fault denies.
/// </remarks>
public sealed partial class SecurityManager : IDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RejectionLog _rejections;
    private readonly ConnectionTable _table;
    private readonly long[] _refusals = new long[256];
    private readonly Lock _reloadLock = new();
    private readonly ITimer _sweeper;
    private readonly LockdownSwitch _lockdown;
    private readonly FilePolicySource _file;
    private readonly PolicyComposer _views;
    private PolicyFileSeen _seen;
    private SecretFilesWatch _secrets = SecretFilesWatch.Empty;
    private PolicyLoadContext _loadContext = PolicyLoadContext.None;
    private ReloadResult _lastReload;
    private string? _lastFailedHash;
    private bool _missingReported;
    private bool _emptyReported;
    private long _fileReads;
    private long _racyWindowNs;
    private long _settleTicks = InPlaceWriteGuard.DefaultSettle.Ticks;

    /// <summary>The bytes last hashed and their hash (written only under the reload lock).</summary>
    private (byte[] Bytes, string Hash)? _lastRead;

    /// <summary>What the last load parsed of the long lists, reused by the next (written only under the reload lock).</summary>
    private PolicyParseCache _parsed = PolicyParseCache.Empty;

    private SecurityManager(string policyPath, SecurityPolicy initial, PolicyFileSeen seen, ReloadResult first, ILogger logger, TimeProvider time, LockdownSwitch lockdown)
    {
        _lockdown = lockdown;
        PolicyPath = policyPath;
        _file = new FilePolicySource(initial);
        _views = new PolicyComposer(_file, lockdown, logger);
        _seen = seen;
        _lastReload = first;
        _logger = logger;
        _time = time;
        StartedAt = time.GetUtcNow();
        _rejections = new RejectionLog(logger, time);
        _table = new ConnectionTable(() => Policy, time, logger);
        _sweeper = time.CreateTimer(_ => _table.Sweep(), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        Metrics = new SecurityMetrics(this, StartedAt);
    }

    /// <summary>
    /// Loads the policy file and starts deciding. A missing file means the embedded defaults; an invalid file
    /// throws <see cref="PolicyLoadException"/> listing every error, because a server must not start on a policy
    /// it cannot read (an empty block list would fail open). Secret files the policy names are read and watched
    /// too, and the systemd credential in <paramref name="context"/> (default: this process's <c>$CREDENTIALS_DIRECTORY</c>).
    /// The operator's lockdown is kept by <paramref name="lockdownStore"/>, given the policy loaded (the server's:
    /// the state database); without one, in a file beside the policy.
    /// </summary>
    public static SecurityManager Create(string policyPath, ILogger? logger = null, TimeProvider? time = null, PolicyLoadContext? context = null,
        Func<SecurityPolicy, ILockdownStore>? lockdownStore = null) =>
        Create(PolicyFileStart.Load(policyPath, time, context), logger, lockdownStore);

    /// <summary>Starts deciding on a file already read and validated (the server looks at it first, then starts here).</summary>
    public static SecurityManager Create(PolicyFileStart start, ILogger? logger = null, Func<SecurityPolicy, ILockdownStore>? lockdownStore = null)
    {
        logger ??= NullLogger.Instance;
        var time = start.Time;
        var context = start.Context;
        var fullPath = start.FullPath;
        var stamp = start.Read.Stamp;
        var bytes = start.Read.Bytes;
        var racyWindowNs = FileSystemClock.RacyWindowNs(Path.GetDirectoryName(fullPath)!);
        // Timed from the moment the file was read, not now: the racy window is about writes just after that read.
        var seen = new PolicyFileSeen(stamp, start.ReadAtUnixNs, start.ReadAtTimestamp, racyWindowNs, PolicyFileSeen.RecheckTicks(time));
        var policy = start.Policy;
        var diagnostics = start.Diagnostics;
        var secretFiles = start.Loaded?.SecretFiles ?? [];
        var parsed = start.Loaded?.Parsed ?? PolicyParseCache.Empty;
        if (bytes is null)
        {
            SecurityLog.PolicyDefaults(logger, fullPath);
        }
        var first = new ReloadResult(ReloadOutcome.Applied, 1, [], diagnostics, 0, time.GetUtcNow(), "start");
        var lockdown = LockdownSwitch.Open(lockdownStore?.Invoke(policy) ?? new LockdownFileStore(LockdownStore.PathFor(fullPath)), time, logger);
        lockdown.ObservePolicy(policy.Lockdown, first.At);
        var manager = new SecurityManager(fullPath, policy, seen, first, logger, time, lockdown)
        {
            _loadContext = context,
            // Read before anything stamped them (as for a file a reload names first): the first check reads them again.
            _secrets = SecretFilesWatch.Empty.For(secretFiles),
            _parsed = parsed,
        };
        manager._racyWindowNs = racyWindowNs;
        foreach (var warning in diagnostics)
        {
            SecurityLog.PolicyWarning(logger, warning.ToString());
        }
        SecurityLog.PolicyLoaded(logger, policy.Revision, bytes is null ? "embedded defaults" : fullPath, policy.ModeDescription);
        if (policy.NetworkSecretKey.Length > 0)
        {
            SecurityLog.NetworkKeyInForce(logger, policy.NetworkKeyFingerprint, policy.NetworkKeySource, policy.NetworkKeyPreviousFingerprint);
        }
        if (!policy.Enabled)
        {
            SecurityLog.SecurityDisabled(logger, policy.Revision);
        }
        return manager;
    }

    /// <summary>The full path of the policy file being watched.</summary>
    public string PolicyPath { get; }

    /// <summary>The file's policy in force (the file source's snapshot). Decisions read <see cref="View"/> instead.</summary>
    public SecurityPolicy Policy => _file.Snapshot;

    /// <summary>The view in force: the snapshot of every policy source (file, bans, lockdown). Read it once per decision.</summary>
    public PolicyView View => _views.Current;

    public DateTimeOffset StartedAt { get; }

    /// <summary>The last reload attempt that did something or failed (an unchanged check is not recorded).</summary>
    public ReloadResult LastReload => Volatile.Read(ref _lastReload);

    /// <summary>How many times the policy file's content has been read (for tests and status).</summary>
    public long FileReads => Interlocked.Read(ref _fileReads);

    /// <summary>The instruments for METRICS_ADDRESS (counts of accepts, refusals, messages, reloads).</summary>
    public SecurityMetrics Metrics { get; }

    /// <summary>Raised after a new policy is in force.</summary>
    public event EventHandler<PolicyChangedEventArgs>? PolicyChanged;

    /// <summary>
    /// Runs on every new connection before any decision: reloads the policy if the file changed. When nothing
    /// changed this is one <c>statx</c> call and a comparison. If another thread is already reloading, returns at
    /// once and the caller decides on the policy in force (single flight: a burst reads the file once).
    /// </summary>
    /// <returns>True when a new policy was put in force by this call.</returns>
    public bool CheckConfigReload() => CheckConfigReload("connection");

    /// <summary>As <see cref="CheckConfigReload()"/>, naming what asked in the reload's log line (e.g. "poll").</summary>
    public bool CheckConfigReload(string trigger)
    {
        try
        {
            var stamp = FileStamp.Read(PolicyPath);
            if (!Volatile.Read(ref _seen).NeedsRead(stamp, _time) && !Volatile.Read(ref _secrets).Moved())
            {
                return false;
            }
            if (!_reloadLock.TryEnter())
            {
                return false;
            }
            try
            {
                // Checked again under the lock: a thread that read the old record just before another finished
                // reloading would otherwise read the file a second time (single flight means once).
                if (!Volatile.Read(ref _seen).NeedsRead(stamp, _time) && !Volatile.Read(ref _secrets).Moved())
                {
                    return false;
                }
                return ReloadLocked(trigger, force: false).Outcome == ReloadOutcome.Applied;
            }
            finally
            {
                _reloadLock.Exit();
            }
        }
        catch (Exception ex)
        {
            // A reload fault must not take the gate down; the policy in force stays.
            SecurityLog.InternalError(_logger, ex, "reload", "-");
            return false;
        }
    }

    /// <summary>
    /// Re-reads the policy file now (control channel, SIGHUP, watcher) and waits for any reload under way.
    /// Unlike <see cref="CheckConfigReload"/> it re-validates a file that failed before, so the caller gets the errors.
    /// </summary>
    public ReloadResult Reload(string trigger) => Reload(trigger, acceptEmpty: false);

    /// <summary>
    /// As <see cref="Reload(string)"/>; with <paramref name="acceptEmpty"/> an emptied file is applied (the embedded
    /// defaults) instead of being held back (see <see cref="TruncatedFileGuard"/>). Only an operator asks for that.
    /// </summary>
    public ReloadResult Reload(string trigger, bool acceptEmpty) => Reload(trigger, acceptEmpty, writtenSha256: null);

    /// <summary>
    /// As <see cref="Reload(string, bool)"/>, asked by whoever just wrote the file (a tool, the dashboard):
    /// <paramref name="writtenSha256"/> is the SHA-256 of the bytes written. When another trigger (the poll, a
    /// connection's check) put exactly those bytes in force first, the answer is that reload, so the writer still
    /// learns what changed and which sessions were closed.
    /// </summary>
    public ReloadResult Reload(string trigger, bool acceptEmpty, string? writtenSha256)
    {
        lock (_reloadLock)
        {
            var result = ReloadLocked(trigger, force: true, acceptEmpty);
            if (result.Outcome == ReloadOutcome.Unchanged && writtenSha256 is not null &&
                LastReload is { Outcome: ReloadOutcome.Applied } applied &&
                Policy is var inForce && applied.Revision == inForce.Revision &&
                string.Equals(inForce.ContentHash, writtenSha256, StringComparison.OrdinalIgnoreCase))
            {
                return applied;
            }
            return result;
        }
    }

    private ReloadResult ReloadLocked(string trigger, bool force, bool acceptEmpty = false)
    {
        var current = Policy;
        // The secret files are stamped before they are read, so a write during the load is seen at the next check.
        var secrets = Volatile.Read(ref _secrets);
        var secretsMoved = secrets.Moved();
        var secretsBefore = secretsMoved ? secrets.Restamp() : secrets;
        if (ReadUnlessBeingWritten(force) is not { } read)
        {
            // Being rewritten in place: look again at the next check (the poll runs every 250 ms).
            return new ReloadResult(ReloadOutcome.Unchanged, current.Revision, [], [], 0, _time.GetUtcNow(), trigger);
        }
        var (stamp, bytes, readError) = read;
        Interlocked.Increment(ref _fileReads);
        var seen = NewSeen(_time, stamp, _racyWindowNs);
        Volatile.Write(ref _seen, seen);
        var now = _time.GetUtcNow();
        if (bytes is null)
        {
            if (!_missingReported || force)
            {
                _missingReported = true;
                if (readError is null)
                {
                    SecurityLog.PolicyFileMissing(_logger, PolicyPath, current.Revision);
                }
                else
                {
                    SecurityLog.PolicyFileUnreadable(_logger, PolicyPath, readError, current.Revision);
                }
            }
            var what = readError is null ? "does not exist" : $"cannot be read ({readError})";
            var missing = new ReloadResult(ReloadOutcome.Missing, current.Revision, [],
                [new PolicyDiagnostic(DiagnosticSeverity.Error, null, null, null, $"{PolicyPath} {what}; revision {current.Revision} stays in force")],
                0, now, trigger);
            Volatile.Write(ref _lastReload, missing);
            Metrics.Reloaded(missing);
            return missing;
        }
        _missingReported = false;
        var hash = HashOf(bytes);
        var emptied = TruncatedFileGuard.IsEmptied(bytes, hash, current);
        if (emptied && !acceptEmpty)
        {
            // The last good policy stays. Reported once per emptying (the racy re-reads of the next 2 s and every
            // later check find the same empty file); an explicit reload is answered with the same finding.
            var kept = new ReloadResult(ReloadOutcome.Empty, current.Revision, [], [TruncatedFileGuard.Diagnostic(PolicyPath, current.Revision)], 0, now, trigger);
            if (!_emptyReported || force)
            {
                Volatile.Write(ref _lastReload, kept);
                Metrics.Reloaded(kept);
            }
            if (!_emptyReported)
            {
                _emptyReported = true;
                SecurityLog.PolicyFileEmptied(_logger, PolicyPath, current.Revision);
            }
            return kept;
        }
        _emptyReported = false;
        // A file refused for its secret files (same .env bytes as in force) is validated again by an explicit reload.
        if (hash == current.ContentHash && !secretsMoved && !(force && hash == _lastFailedHash))
        {
            _lastFailedHash = null;
            return new ReloadResult(ReloadOutcome.Unchanged, current.Revision, [], [], 0, now, trigger);
        }
        if (!force && hash == _lastFailedHash && !secretsMoved)
        {
            return LastReload; // same broken content: already reported once
        }
        var loaded = PolicyLoader.Load(bytes, PolicyPath, hash, _loadContext, ReuseParsedLists ? _parsed : null);
        if (loaded.Parsed is not null)
        {
            _parsed = loaded.Parsed;
        }
        Volatile.Write(ref _secrets, secretsBefore.Covers(loaded.SecretFiles) ? secretsBefore : secretsBefore.For(loaded.SecretFiles));
        if (loaded.Policy is not null && hash == current.ContentHash && SameNetworkKeys(current, loaded.Policy))
        {
            // Same file, and the secret files (touched, or an explicit reload) hold the same keys.
            _lastFailedHash = null;
            return new ReloadResult(ReloadOutcome.Unchanged, current.Revision, [], [], 0, now, trigger);
        }
        if (loaded.Policy is null)
        {
            _lastFailedHash = hash;
            var errors = loaded.Errors.ToList();
            SecurityLog.PolicyRejected(_logger, trigger, errors.Count, current.Revision);
            foreach (var error in errors)
            {
                SecurityLog.PolicyError(_logger, error.ToString());
            }
            var invalid = new ReloadResult(ReloadOutcome.Invalid, current.Revision, [], loaded.Diagnostics, 0, now, trigger);
            Volatile.Write(ref _lastReload, invalid);
            Metrics.Reloaded(invalid);
            return invalid;
        }
        _lastFailedHash = null;
        var next = loaded.Policy with { Revision = current.Revision + 1 };
        var changes = PolicyDiff.Compute(current, next);
        _file.Publish(next); // the view holds it before the eviction pass below runs
        OnPolicyInForce();
        _lockdown.ObservePolicy(next.Lockdown, now);
        var closed = EvictRefused(next, LockdownNow(next));
        var applied = new ReloadResult(ReloadOutcome.Applied, next.Revision, changes, loaded.Diagnostics, closed, now, trigger)
        {
            ModeChange = PolicyModeChange.Between(current, next),
        };
        Volatile.Write(ref _lastReload, applied);
        Metrics.Reloaded(applied);
        SecurityLog.PolicyReloaded(_logger, next.Revision, trigger, changes.Count, closed);
        foreach (var change in changes)
        {
            SecurityLog.PolicyChange(_logger, next.Revision, change);
        }
        if (emptied)
        {
            SecurityLog.PolicyEmptyAccepted(_logger, next.Revision, trigger, PolicyPath);
        }
        if (applied.ModeChange is { OpensWhitelist: true } opened)
        {
            SecurityLog.PolicyOpened(_logger, next.Revision, trigger, opened.FromDescription);
        }
        if (current.NetworkKeyFingerprint != next.NetworkKeyFingerprint)
        {
            SecurityLog.NetworkKeyRotated(_logger, current.NetworkKeyFingerprint, next.NetworkKeyFingerprint, next.Revision);
        }
        foreach (var warning in loaded.Warnings)
        {
            SecurityLog.PolicyWarning(_logger, warning.ToString());
        }
        if (!next.Enabled)
        {
            SecurityLog.SecurityDisabled(_logger, next.Revision);
        }
        PolicyChanged?.Invoke(this, new PolicyChangedEventArgs(current, next, applied));
        return applied;
    }

    /// <summary>
    /// Reads the file once it is not in the middle of an in-place write (see <see cref="InPlaceWriteGuard"/>). A check
    /// on a connection or the poll never waits: while the file is unsettled it publishes a pending record and returns
    /// null. An explicit reload (<paramref name="wait"/>) waits for the write to settle, up to
    /// <see cref="MaxSettleWait"/>, and then reads whatever is there.
    /// </summary>
    /// <remarks>
    /// Judged twice: on a cheap <c>statx</c> before reading (so a large file is not read again and again while it is
    /// being written), and on the stamp the bytes read belong to, because the next write can start between the two.
    /// </remarks>
    private StampedRead? ReadUnlessBeingWritten(bool wait)
    {
        var settle = SettleWindow;
        var previous = Volatile.Read(ref _seen).Stamp;
        var waitStarted = _time.GetTimestamp();
        while (true)
        {
            var stamp = FileStamp.Read(PolicyPath);
            var remaining = InPlaceWriteGuard.Remaining(stamp, previous, UnixNowNs(), settle);
            var giveUp = wait && _time.GetElapsedTime(waitStarted) >= MaxSettleWait;
            if (remaining <= TimeSpan.Zero || giveUp)
            {
                var read = EnvFileReader.ReadStamped(PolicyPath);
                stamp = read.Stamp;
                remaining = read.Bytes is null ? TimeSpan.Zero : InPlaceWriteGuard.Remaining(read.Stamp, previous, UnixNowNs(), settle);
                if (remaining <= TimeSpan.Zero || giveUp)
                {
                    return read;
                }
            }
            if (!wait)
            {
                Volatile.Write(ref _seen, NewSeen(_time, stamp, _racyWindowNs).AsPending());
                return null;
            }
            WaitOnClock(remaining + TimeSpan.FromMilliseconds(1));
        }
    }

    /// <summary>
    /// The content's SHA-256, or the last read's when the bytes are the same: the racy re-reads in the window after
    /// a change (up to one a millisecond) find the same content nearly every time, and comparing bytes costs a small
    /// part of hashing them.
    /// </summary>
    private string HashOf(byte[] bytes)
    {
        if (_lastRead is { } last && last.Bytes.AsSpan().SequenceEqual(bytes))
        {
            return last.Hash;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        _lastRead = (bytes, hash);
        return hash;
    }

    /// <summary>Blocks for <paramref name="delay"/> as the injected clock counts it (a test advances a fake clock).</summary>
    private void WaitOnClock(TimeSpan delay)
    {
        using var elapsed = new ManualResetEventSlim();
        using (_time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), elapsed, delay, Timeout.InfiniteTimeSpan))
        {
            elapsed.Wait();
        }
    }

    /// <summary>The injected clock's wall time in nanoseconds since the Unix epoch, to compare with file times.</summary>
    private long UnixNowNs() => UnixNs(_time);

    private static long UnixNs(TimeProvider time) => (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>An explicit reload of a file that keeps changing in place reads it after this long anyway.</summary>
    private static readonly TimeSpan MaxSettleWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long content changed in place must have been still before it is read as final (see
    /// <see cref="InPlaceWriteGuard"/>). Tests of other reload mechanics set it to zero; nothing else should change it.
    /// </summary>
    internal TimeSpan SettleWindow
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _settleTicks));
        set => Interlocked.Exchange(ref _settleTicks, value.Ticks);
    }

    private static PolicyFileSeen NewSeen(TimeProvider time, FileStamp stamp, long racyWindowNs) =>
        new(stamp, UnixNs(time), time.GetTimestamp(), racyWindowNs, PolicyFileSeen.RecheckTicks(time));

    /// <summary>
    /// Whether a reload reuses what the last one parsed of the long lists (the default). Off only for the
    /// benchmark of a reload from scratch.
    /// </summary>
    internal bool ReuseParsedLists { get; set; } = true;

    /// <summary>
    /// How long after a change the file's content is re-checked even though its metadata did not move (see
    /// <see cref="PolicyFileSeen"/>). Tests of single flight set it to zero; nothing else should change it.
    /// </summary>
    internal TimeSpan RacyWindow
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _racyWindowNs) / 100);
        set => Interlocked.Exchange(ref _racyWindowNs, value.Ticks * 100);
    }

    /// <summary>Closes every live connection that the policy (when EVICT_ON_POLICY_CHANGE) or the lockdown refuses; returns how many.</summary>
    private int EvictRefused(SecurityPolicy policy, LockdownState lockdown)
    {
        var closed = 0;
        foreach (var slot in LiveConnections)
        {
            var decision = LiveVerdict(slot, policy, lockdown);
            if (decision.Reason == DenyReason.NodeNotAllowed && FleetAllows(slot.NodeKey))
            {
                continue; // the fleet allows it: a fleet allow joins the allow list
            }
            if (!decision.Allowed && slot.Evict(decision))
            {
                closed++;
                CountRefusal(decision.Reason);
                SecurityLog.SessionEvicted(_logger, slot.Address.ToString(), slot.NodeKey?.ToShortString() ?? "-", decision.Reason.Code(), policy.Revision);
            }
        }
        return closed;
    }

    /// <summary>
    /// Would the policy still let this live connection stay? Every connection past the accept gate is judged on its
    /// address; once TLS has made its key known (<see cref="ConnectionSlot.Secured"/>), on its key as the secured
    /// stage judges it, which also refuses an anonymous one where a certificate is now required; once welcomed, on the
    /// network secret it proved. Counts and rates are for new events and evict nobody.
    /// </summary>
    public static SecurityDecision EvaluateLive(ConnectionSlot slot, SecurityPolicy policy)
    {
        if (!policy.Enabled)
        {
            return SecurityDecision.Allow;
        }
        if (policy.BlockedIps.Contains(slot.AddressKey))
        {
            return SecurityDecision.Deny(DenyReason.IpBlocked);
        }
        // Authenticated is read before what it publishes (the key and the proven secret): see ConnectionSlot.
        var welcomed = slot.Authenticated;
        if ((welcomed || slot.Secured) && DecideKey(policy, slot.NodeKey) is var reason and not DenyReason.None)
        {
            return SecurityDecision.Deny(reason);
        }
        if (welcomed && !slot.ProvenSecret.IsAcceptedBy(policy))
        {
            return SecurityDecision.Deny(DenyReason.NetworkKeyProofFailed);
        }
        return SecurityDecision.Allow;
    }

    private static bool SameNetworkKeys(SecurityPolicy a, SecurityPolicy b) =>
        string.Equals(a.NetworkSecretKey, b.NetworkSecretKey, StringComparison.Ordinal) &&
        string.Equals(a.NetworkSecretKeyPrevious, b.NetworkSecretKeyPrevious, StringComparison.Ordinal) &&
        string.Equals(a.NetworkKeySource, b.NetworkKeySource, StringComparison.Ordinal) &&
        string.Equals(a.NetworkKeyPreviousSource, b.NetworkKeyPreviousSource, StringComparison.Ordinal);

    /// <summary>Counts a refusal by reason: what <see cref="RefusalCounts"/> and the refusals metric report.</summary>
    internal void CountRefusal(DenyReason reason) => Interlocked.Increment(ref _refusals[(int)reason]);

    public void Dispose()
    {
        _lockdown.Dispose();
        _sweeper.Dispose();
        _rejections.Dispose();
        Metrics.Dispose();
    }
}
