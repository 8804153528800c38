using System.Net;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// The accept gate as the listener calls it: the reload check on every connection, with the reload itself run off
/// the caller's thread, which is the listener's single accept loop.
/// </summary>
/// <remarks>
/// A reload of a large file takes tens of milliseconds. Run inline, it would stall every accept behind it, the
/// refusals of blocked addresses included. Here the connection whose check finds the change waits for the reload
/// (the edit applies to it: "the next connection"), without blocking the loop; a connection that arrives while the
/// reload runs is refused at once when the policy in force blocks its address (a refusal needs no new view, and a
/// block the edit lifts applies from the connection after the swap), and otherwise waits for the new view too, so
/// nothing the edit refuses is admitted on the old one.
/// </remarks>
public sealed partial class SecurityManager
{
    private readonly Lock _backgroundReloadStart = new();
    private TaskCompletionSource? _backgroundReload;

    /// <summary>
    /// What the listener runs for every new connection: the reload check, then the accept gate. Completes at once
    /// (no allocation) unless the policy file changed or a reload is running; then it completes on a thread-pool
    /// thread once the new policy is in force, and the caller must move back to its own loop to act on it.
    /// </summary>
    public ValueTask<AcceptResult> OnNewConnectionAsync(IPAddress remote)
    {
        var running = Volatile.Read(ref _backgroundReload);
        if (running is null)
        {
            if (!FileChangedSinceRead())
            {
                return new ValueTask<AcceptResult>(EvaluateAccept(remote));
            }
            return DecideAfter(StartBackgroundReload(), remote);
        }
        if (IsBlockedInForce(remote))
        {
            return new ValueTask<AcceptResult>(EvaluateAccept(remote));
        }
        return DecideAfter(running.Task, remote);
    }

    /// <summary>True while a reload started by a connection's check is running (for tests and status).</summary>
    public bool BackgroundReloadRunning => Volatile.Read(ref _backgroundReload) is not null;

    private async ValueTask<AcceptResult> DecideAfter(Task reload, IPAddress remote)
    {
        await reload.ConfigureAwait(false);
        return EvaluateAccept(remote);
    }

    private bool FileChangedSinceRead()
    {
        try
        {
            // The secret files (NETWORK_SECRET_KEY_FILE, the credential) are watched like the policy file.
            return Volatile.Read(ref _watch).NeedsRead(FileStamp.Read(PolicyPath)) || Volatile.Read(ref _secrets).Moved();
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

    /// <summary>Starts the reload on a worker, or returns the one already started (single flight).</summary>
    private Task StartBackgroundReload()
    {
        lock (_backgroundReloadStart)
        {
            if (_backgroundReload is { } already)
            {
                return already.Task;
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _backgroundReload, done);
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.manager.RunBackgroundReload(state.done), (manager: this, done), preferLocal: false);
            return done.Task;
        }
    }

    private void RunBackgroundReload(TaskCompletionSource done)
    {
        try
        {
            // Waits for an explicit reload (control channel, SIGHUP) that holds the lock, then reads only if that one
            // did not already take in what this check saw.
            lock (_reloadLock)
            {
                if (Volatile.Read(ref _watch).NeedsRead(FileStamp.Read(PolicyPath)) || Volatile.Read(ref _secrets).Moved())
                {
                    ReloadLocked("connection", force: false);
                }
            }
        }
        catch (Exception ex)
        {
            // The policy in force stays; the waiting connections are decided on it.
            SecurityLog.InternalError(_logger, ex, "reload", "-");
        }
        finally
        {
            lock (_backgroundReloadStart)
            {
                Volatile.Write(ref _backgroundReload, null);
            }
            done.SetResult();
        }
    }
}
