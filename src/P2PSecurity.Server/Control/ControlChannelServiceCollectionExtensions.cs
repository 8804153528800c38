using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Control;

/// <summary>Registers the control channel with a host that already registers a <see cref="SecurityManager"/>.</summary>
public static class ControlChannelServiceCollectionExtensions
{
    /// <summary>
    /// Adds the control channel as a hosted service. Register an <see cref="IServerStatusSource"/> to give
    /// <c>status</c> the listen address and node key; without one they show as unknown.
    /// </summary>
    public static IServiceCollection AddControlChannel(this IServiceCollection services, Action<ControlChannelOptions>? configure = null)
    {
        var options = new ControlChannelOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(_ => new RecentNodeRefusals());
        services.AddSingleton(sp => new ControlChannelService(
            sp.GetRequiredService<SecurityManager>(),
            options,
            sp.GetRequiredService<ILogger<ControlChannelService>>(),
            sp.GetRequiredService<RecentNodeRefusals>(),
            sp.GetService<IServerStatusSource>(),
            sp.GetService<IDashboardAccess>()));
        services.AddHostedService(sp => sp.GetRequiredService<ControlChannelService>());
        return services;
    }
}
