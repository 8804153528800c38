using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Hosting;

/// <summary>SIGHUP reloads the policy (the Unix convention for daemons) instead of ending the process.</summary>
internal sealed class SighupReloadService(SecurityManager manager, ILogger<SighupReloadService> logger) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                var result = manager.Reload("SIGHUP");
                ServerLog.SighupReload(logger, result.Outcome.ToString(), result.Revision);
            });
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _registration?.Dispose();
        _registration = null;
    }
}
