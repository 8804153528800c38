using Microsoft.Extensions.Hosting;
using P2PSecurity.Core.Bans;

namespace P2PSecurity.Server.Storage;

/// <summary>
/// Closes the ban list at stop: the writer finishes its queue, the last strike counts are written, and the state
/// database is closed cleanly (its WAL checkpointed). Registered before the node server, so it stops after it:
/// strikes from the last connections still count.
/// </summary>
internal sealed class StateDatabaseService(BanList bans) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        bans.Dispose();
        return Task.CompletedTask;
    }
}
