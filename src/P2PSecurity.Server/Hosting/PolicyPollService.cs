using Microsoft.Extensions.Hosting;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Hosting;

/// <summary>
/// Checks the policy file for changes every <see cref="ServerOptions.PolicyPollInterval"/>, so that a block added
/// while nobody connects still closes the sessions it refuses within a second. The same cheap check as on every
/// connection: metadata first, content only when it moved.
/// </summary>
internal sealed class PolicyPollService(SecurityManager manager, ServerOptions options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.PolicyPollInterval <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.PolicyPollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                manager.CheckConfigReload();
            }
        }
        catch (OperationCanceledException)
        {
            // The host is stopping.
            return;
        }
    }
}
