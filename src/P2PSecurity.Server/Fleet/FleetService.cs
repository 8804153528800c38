using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Fleet;

namespace P2PSecurity.Server.Fleet;

/// <summary>
/// Runs the fleet follower (FLEET_REDIS) for the life of the server. Registered after the state database, so it
/// stops first: the last batch is written before the database closes.
/// </summary>
internal sealed class FleetService(FleetSync sync, RedisFleetHub hub, ILogger logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var follower = new FleetFollower(sync, hub.Display, sync.OperatorIdentity, logger);
        _loop = Task.Run(() => follower.RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await hub.DisposeAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
