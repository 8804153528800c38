using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Storage;

namespace P2PSecurity.Server.Fleet;

/// <summary>
/// Runs the fleet (FLEET_REDIS) for the life of the server, and follows FLEET_* across reloads: a reload that turns
/// the fleet on or off, or changes the hub, the fleet's name, the operator keys, the operator identity or the
/// password, stops the follower, makes a new <see cref="FleetLink"/> from the state database (as a restart would),
/// puts it in the view in place of the old one, and follows again. Registered after the state database, so it stops
/// first: the last batch is written before the database closes.
/// </summary>
/// <remarks>
/// The switch runs on a worker, one at a time, never on the reload's thread (a hub can take seconds to answer). The
/// old fleet's decisions stay in force until the new one is attached: a switch never fails open. When the new one
/// cannot be made (the state database or the operator identity cannot be read) the old one stays and follows again,
/// with a warning naming what failed; status shows the fleet in force.
/// </remarks>
internal sealed class FleetService : IHostedService, IAsyncDisposable
{
    private readonly SecurityManager _manager;
    private readonly SqliteBanStore _store;
    private readonly NodeIdentity _identity;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _switch = new(1, 1);
    private readonly Lock _chain = new();
    private readonly CancellationTokenSource _stopping = new();
    private FleetLink? _link;
    private Task _pending = Task.CompletedTask;

    public FleetService(SecurityManager manager, SqliteBanStore store, NodeIdentity identity, FleetLink? initial, ILogger logger)
    {
        _manager = manager;
        _store = store;
        _identity = identity;
        _link = initial;
        _logger = logger;
    }

    /// <summary>
    /// At start, before any socket opens: loads the fleet state FLEET_* names and attaches it to the gates, so it is
    /// enforced from the first connection, with Redis reachable or not. Null when the node is in no fleet.
    /// </summary>
    public static FleetLink? Open(SecurityManager manager, SqliteBanStore store, NodeIdentity identity, ILogger logger)
    {
        var policy = manager.Policy;
        if (policy.Fleet is not { } settings)
        {
            return null;
        }
        var link = FleetLink.Open(settings, policy, store, identity, logger);
        manager.AttachFleet(link.Sync);
        if (link.Sync.LastApplied.IsZero)
        {
            // A node that has never applied anything takes the fleet's snapshot before it listens, so it does not
            // admit for its first moments what every other node refuses. Bounded: an unreachable hub delays the
            // start by at most this long, and the follower keeps trying afterwards.
            try
            {
                link.Sync.TryLoadSnapshotAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException ex) when (ex.InnerException is FleetHubException hubError)
            {
                link.ReportUnreachable(logger, hubError); // the follower takes the snapshot once the hub answers
            }
        }
        return link;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _link?.Start(_logger);
        _manager.PolicyChanged += OnPolicyChanged;
        // A reload between the fleet's opening and this subscription (the policy check starts first) is not missed.
        Schedule();
        return Task.CompletedTask;
    }

    private void OnPolicyChanged(object? sender, PolicyChangedEventArgs e)
    {
        if (FleetSettingsDiff.Same(e.Before.Fleet, e.After.Fleet))
        {
            return;
        }
        Schedule();
    }

    private void Schedule()
    {
        lock (_chain)
        {
            _pending = _pending.ContinueWith(_ => ReconcileAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>Makes the fleet in force the one the policy in force names (the newest policy, whatever reload asked).</summary>
    private async Task ReconcileAsync()
    {
        var token = _stopping.Token;
        try
        {
            await _switch.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            var policy = _manager.Policy;
            var wanted = policy.Fleet;
            var old = _link;
            if (token.IsCancellationRequested || FleetSettingsDiff.Same(old?.Settings, wanted))
            {
                return;
            }
            // The old follower stops before the new link reads the state database, so the two never write it at once.
            if (old is not null)
            {
                await old.StopAsync(token).ConfigureAwait(false);
            }
            FleetLink? next = null;
            if (wanted is not null)
            {
                try
                {
                    next = FleetLink.Open(wanted, policy, _store, _identity, _logger);
                }
                catch (Exception ex) when (ex is BanStoreException or NodeIdentityException or IOException or UnauthorizedAccessException)
                {
                    SecurityLog.FleetReconfigureFailed(_logger, wanted.ToString(), ex.Message, old?.ToString() ?? "none");
                    old?.Start(_logger);
                    return;
                }
            }
            _manager.AttachFleet(next?.Sync);
            _link = next;
            next?.Start(_logger);
            SecurityLog.FleetReconfigured(_logger, old?.ToString() ?? "none", next?.ToString() ?? "none", _manager.View.Fleet.Count);
            if (old is not null)
            {
                // After the attach: a publish still in flight on the old hub fails (fleet_unavailable), nothing is appended.
                await old.Hub.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return; // the server is stopping: StopAsync stops whatever link is in force
        }
        catch (Exception ex)
        {
            SecurityLog.InternalError(_logger, ex, "fleet_reconfigure", "-");
        }
        finally
        {
            _switch.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _manager.PolicyChanged -= OnPolicyChanged;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _switch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_link is { } link)
            {
                await link.StopAsync(cancellationToken).ConfigureAwait(false);
                await link.Hub.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _switch.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        return ValueTask.CompletedTask;
    }
}
