using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using P2PSecurity.Core.Control;
using P2PSecurity.Server.Dashboard;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Policy;
using P2PSecurity.Server.Hosting;

namespace P2PSecurity.Server.Web;

/// <summary>Registers the HTTP listeners the policy (or the command line) asks for: /metrics and the dashboard.</summary>
internal static class WebServiceCollectionExtensions
{
    public static IServiceCollection AddWebListeners(this IServiceCollection services, ServerOptions options, SecurityPolicy policy)
    {
        if (Resolve(options.MetricsAddress, policy.MetricsAddress, WebListenAddress.MetricsDefault) is { } metrics)
        {
            services.AddSingleton(sp => new MetricsListenerService(metrics, sp.GetRequiredService<ILoggerFactory>()));
            services.AddHostedService(sp => sp.GetRequiredService<MetricsListenerService>());
        }
        if (Resolve(options.DashboardAddress, policy.DashboardAddress, WebListenAddress.DashboardDefault) is { } dashboard)
        {
            services.TryAddSingleton(_ => new RecentNodeRefusals());
            services.AddSingleton(sp => new DashboardAccess(
                new DashboardLoginCodes(sp.GetRequiredService<TimeProvider>()), new DashboardPassword(policy.ResolvePath(DashboardPassword.FileName))));
            services.AddSingleton<Control.IDashboardAccess>(sp => sp.GetRequiredService<DashboardAccess>());
            services.AddSingleton(sp => new DashboardListenerService(dashboard, sp));
            services.AddHostedService(sp => sp.GetRequiredService<DashboardListenerService>());
        }
        return services;
    }

    /// <summary>The command line's value when given (checked by the argument parser), else the policy's.</summary>
    internal static WebListenAddress? Resolve(string? overrideText, WebListenAddress? fromPolicy, WebListenAddress onDefault) =>
        overrideText is null ? fromPolicy
        : WebListenAddress.TryParse(overrideText, onDefault, out var address, out var error) ? address
        : throw new StartupException($"'{overrideText}' {error}");
}
