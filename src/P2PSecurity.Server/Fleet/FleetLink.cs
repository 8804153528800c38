using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;
using P2PSecurity.Server.Storage;

namespace P2PSecurity.Server.Fleet;

/// <summary>
/// One fleet connection made from one set of FLEET_* settings: the source (<see cref="FleetSync"/>, its state loaded
/// from the state database), its hub and its follower. Made at start, and again by a reload that changes FLEET_*.
/// </summary>
internal sealed class FleetLink
{
    private CancellationTokenSource? _stop;
    private Task _loop = Task.CompletedTask;

    private FleetLink(FleetSettings settings, FleetSync sync, RedisFleetHub hub)
    {
        Settings = settings;
        Sync = sync;
        Hub = hub;
    }

    public FleetSettings Settings { get; }

    public FleetSync Sync { get; }

    public RedisFleetHub Hub { get; }

    /// <summary>
    /// Loads the fleet state that <paramref name="settings"/> names from the state database and the operator identity
    /// (FLEET_OPERATOR_IDENTITY; the node's own when it is the same file). Touches neither the gates nor Redis.
    /// </summary>
    /// <exception cref="Core.Bans.BanStoreException">The state database cannot be read.</exception>
    /// <exception cref="NodeIdentityException">The operator identity file exists but cannot be read.</exception>
    public static FleetLink Open(FleetSettings settings, SecurityPolicy policy, SqliteBanStore store, NodeIdentity identity, ILogger logger)
    {
        var operatorPath = policy.ResolvePath(settings.OperatorIdentityFile);
        NodeIdentity? signer = null;
        if (identity.Path is { } own && Path.GetFullPath(own) == operatorPath)
        {
            signer = identity;
        }
        else if (File.Exists(operatorPath))
        {
            try
            {
                signer = NodeIdentity.Load(operatorPath);
            }
            catch (NodeIdentityException ex)
            {
                throw new NodeIdentityException($"{PolicyKeys.FleetOperatorIdentity} {operatorPath}: {ex.Message}", ex);
            }
        }
        var fleetStore = store.Fleet(settings.Name);
        var hub = new RedisFleetHub(settings);
        try
        {
            var sync = new FleetSync(new FleetSigning(settings.Name, settings.OperatorKeys), fleetStore, hub, logger)
            {
                HubDisplay = settings.Display,
                OperatorIdentity = signer,
            };
            return new FleetLink(settings, sync, hub);
        }
        catch
        {
            hub.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Starts (or starts again) following the hub.</summary>
    public void Start(ILogger logger)
    {
        var stop = new CancellationTokenSource();
        _stop = stop;
        var follower = new FleetFollower(Sync, Hub.Display, Sync.OperatorIdentity, logger);
        _loop = Task.Run(() => follower.RunAsync(stop.Token), CancellationToken.None);
    }

    /// <summary>Stops following, bounded; the state in force stays where it is.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stop, null) is not { } stop)
        {
            return;
        }
        await stop.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stop.Dispose();
    }

    public override string ToString() => Settings.ToString();

    /// <summary>Logged when the state is loaded from an unreachable hub at start.</summary>
    internal void ReportUnreachable(ILogger logger, FleetHubException error) =>
        SecurityLog.FleetUnreachable(logger, Settings.Name, Settings.Display, error.Message, Sync.LastApplied.ToString(), 0);
}
