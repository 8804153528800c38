using System.Net;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// The accept gate as the listener calls it: the reload check on every connection, with the reload itself run off
/// the caller's thread, which is the listener's single accept loop.
/// </summary>
/// <remarks>
/// <para>
/// A reload of a large file takes tens of milliseconds; run inline it would stall every accept behind it, the
/// refusals of blocked addresses included. Here the connection whose check finds the change waits for the reload
/// (the edit applies to it: it is "the next connection"), without blocking the loop. A connection that arrives
/// while the reload runs is refused at once when the policy in force blocks its address (a refusal needs no new
/// policy); any other waits, and is decided on the new policy once it is in force.
/// </para>
/// <para>
/// Waiting connections are decided in the order they arrived, one after the other, by the thread that ran the
/// reload. The first version of this (reverted in 72da921) completed every waiter's task at once and let each
/// decide on its own thread-pool thread, in whatever order the pool ran them: four connections from one address
/// under a rate of 3/min could then admit the fourth and refuse one of the first three (the end-to-end test saw
/// "the fourth stays open"). A rate bucket, a per-address count and MAX_CONNECTIONS are all order-dependent, so
/// the order is kept here, where the decisions are made.
/// </para>
/// </remarks>
public sealed partial class SecurityManager
{
    /// <summary>Guards <see cref="_waiting"/> and <see cref="_offLoopBusy"/>.</summary>
    private readonly Lock _waitingLock = new();
    private readonly Queue<WaitingAccept> _waiting = new();

    /// <summary>True from the moment a connection's check starts a reload until every connection that waited for it is decided.</summary>
    private bool _offLoopBusy;

    /// <summary>Counts the reloads started by a connection; the one running owns the waiting queue.</summary>
    private long _offLoopEpisode;

    /// <summary>The episode whose reload holds <see cref="_reloadLock"/> now (0: none); written only under that lock.</summary>
    private long _swapEpisode;

    /// <summary>
    /// What the listener runs for every new connection: the reload check, then the accept gate. Completes at once
    /// (no allocation) unless the policy file changed or a reload started by a connection is running; then it
    /// completes on the reload's thread once the new policy is in force, and the caller must move back to its own
    /// loop to act on the result (a synchronous continuation must do no more than that: it runs on that thread, in
    /// the order the connections arrived, before BackgroundReloadRunning turns false).
    /// </summary>
    public ValueTask<AcceptResult> OnNewConnectionAsync(IPAddress remote)
    {
        if (!Volatile.Read(ref _offLoopBusy))
        {
            if (!FileChangedSinceRead())
            {
                return new ValueTask<AcceptResult>(EvaluateAccept(remote));
            }
        }
        else if (IsBlockedInForce(remote))
        {
            // Arrived while a reload runs: a blocked address is refused on the policy in force, without waiting.
            return new ValueTask<AcceptResult>(EvaluateAccept(remote));
        }
        var waiter = new WaitingAccept(remote);
        var episode = 0L;
        lock (_waitingLock)
        {
            if (!_offLoopBusy)
            {
                // Checked again under the lock: the reload this connection would wait for may have just finished.
                if (!FileChangedSinceRead())
                {
                    waiter = null;
                }
                else
                {
                    _offLoopBusy = true;
                    episode = ++_offLoopEpisode;
                }
            }
            if (waiter is not null)
            {
                _waiting.Enqueue(waiter);
            }
        }
        if (waiter is null)
        {
            return new ValueTask<AcceptResult>(EvaluateAccept(remote));
        }
        if (episode != 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Manager.RunOffLoopReload(state.Episode), (Manager: this, Episode: episode), preferLocal: false);
        }
        return new ValueTask<AcceptResult>(waiter.Task);
    }

    /// <summary>True while a reload started by a connection's check runs or its waiting connections are being decided (tests, status).</summary>
    public bool BackgroundReloadRunning => Volatile.Read(ref _offLoopBusy);

    private bool FileChangedSinceRead()
    {
        try
        {
            // The secret files (NETWORK_SECRET_KEY_FILE, the credential) are watched like the policy file.
            return Volatile.Read(ref _watch).NeedsRead(FileStamp.Read(PolicyPath), _time) || Volatile.Read(ref _secrets).Moved();
        }
        catch (Exception ex)
        {
            // A fault in the check must not take the gate down; decide on the policy in force.
            SecurityLog.InternalError(_logger, ex, "reload", "-");
            return false;
        }
    }

    private bool IsBlockedInForce(IPAddress remote)
    {
        var policy = Policy;
        return policy.Enabled && policy.BlockedIps.Contains(IpAddressKey.From(remote));
    }

    private void RunOffLoopReload(long episode)
    {
        try
        {
            // Waits for an explicit reload (control channel, SIGHUP) or the poll that holds the lock, then reads only
            // if that one did not already take in what the connection's check saw.
            lock (_reloadLock)
            {
                if (FileChangedSinceRead())
                {
                    // The waiting connections are decided right after the swap (see ReloadLocked), before the
                    // eviction pass and the PolicyChanged handlers, which can take a while on a big node.
                    _swapEpisode = episode;
                    try
                    {
                        ReloadLocked("connection", force: false);
                    }
                    finally
                    {
                        _swapEpisode = 0;
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // The policy in force stays; the waiting connections are decided on it.
            SecurityLog.InternalError(_logger, ex, "reload", "-");
        }
        DecideWaiting(episode);
    }

    /// <summary>Called by a reload right after it put a new policy in force.</summary>
    private void OnPolicyInForce()
    {
        if (_swapEpisode != 0)
        {
            DecideWaiting(_swapEpisode);
        }
    }

    /// <summary>
    /// Decides the waiting connections in arrival order, including those that arrive while this runs, then lets new
    /// connections decide for themselves again. Only the episode that started the wait does it: once it is over, a
    /// later change may start another reload whose waiters must wait for that one.
    /// </summary>
    private void DecideWaiting(long episode)
    {
        var batch = new List<WaitingAccept>();
        while (true)
        {
            lock (_waitingLock)
            {
                if (!_offLoopBusy || _offLoopEpisode != episode)
                {
                    return;
                }
                if (_waiting.Count == 0)
                {
                    _offLoopBusy = false;
                    return;
                }
                while (_waiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
            }
            foreach (var waiter in batch)
            {
                // EvaluateAccept never throws: a fault inside it is a denial.
                waiter.SetResult(EvaluateAccept(waiter.Remote));
            }
            batch.Clear();
        }
    }

    /// <summary>
    /// A connection waiting for a reload. A synchronous continuation runs on the deciding thread, in decision order
    /// (the accept gate's only hands the child back to its loop); the decision is made before it runs.
    /// </summary>
    private sealed class WaitingAccept(IPAddress remote) : TaskCompletionSource<AcceptResult>
    {
        public IPAddress Remote { get; } = remote;
    }
}
