using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Logging;

namespace P2PSecurity.Core.Fleet;

/// <summary>
/// Follows the fleet's stream: a blocking read from the cursor, so a decision arrives as soon as it is appended;
/// on any failure the state in force stays, and the follower reconnects with a backoff (100 ms doubling to 5 s)
/// and continues from its cursor, which makes the catch-up exact: nothing skipped, nothing applied twice.
/// </summary>
public sealed class FleetFollower(FleetSync sync, string hubName, NodeIdentity? operatorIdentity, ILogger logger, TimeProvider? time = null)
{
    public const int BatchSize = 1000;
    public static readonly TimeSpan BlockFor = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = FirstBackoff;
        var fresh = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (fresh)
                {
                    await sync.OnConnectedAsync(operatorIdentity, cancellationToken).ConfigureAwait(false);
                }
                var batch = await sync.Hub.ReadAsync(sync.Cursor, BatchSize, BlockFor, cancellationToken).ConfigureAwait(false);
                if (fresh)
                {
                    fresh = false;
                    sync.Connected = true;
                    backoff = FirstBackoff;
                    SecurityLog.FleetConnected(logger, sync.Fleet, hubName, sync.LastApplied.ToString());
                }
                if (batch.Count > 0)
                {
                    await sync.ApplyAsync(batch, cancellationToken).ConfigureAwait(false);
                }
                if (batch.Count < BatchSize)
                {
                    sync.MarkCaughtUp();
                }
                sync.DropExpired();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is FleetHubException or TimeoutException)
            {
                if (sync.Connected || fresh && backoff == FirstBackoff)
                {
                    SecurityLog.FleetUnreachable(logger, sync.Fleet, hubName, ex.Message, sync.LastApplied.ToString(), (long)backoff.TotalMilliseconds);
                }
                sync.Connected = false;
                fresh = true;
                try
                {
                    await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (Exception ex)
            {
                // A bug, not an outage: say so, keep the state in force, and keep following.
                SecurityLog.InternalError(logger, ex, "fleet", hubName);
                sync.Connected = false;
                fresh = true;
                await Task.Delay(MaxBackoff, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        sync.Connected = false;
    }
}
