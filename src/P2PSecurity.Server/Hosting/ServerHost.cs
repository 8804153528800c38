using DotNetty.Common.Internal.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Preflight;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;
using P2PSecurity.Server.Control;
using P2PSecurity.Server.Fleet;
using P2PSecurity.Core.Fleet;
using P2PSecurity.Server.Status;
using P2PSecurity.Server.Storage;
using P2PSecurity.Server.Transport;
using P2PSecurity.Server.Web;
using Serilog;
using Serilog.Extensions.Logging;

namespace P2PSecurity.Server.Hosting;

/// <summary>
/// Builds and runs the node server as a generic host. <see cref="CreateBuilder"/> loads and checks everything the
/// server needs before any socket opens (policy, log, identity), so that a bad start fails with the reason;
/// callers add their own services (the control channel) to the builder before building it.
/// </summary>
public static class ServerHost
{
    /// <summary>Exit code when the server cannot start (invalid policy, identity, port in use).</summary>
    public const int ExitStartupFailed = 1;

    /// <summary>Exit code for a command line that cannot be understood.</summary>
    public const int ExitUsage = 2;

    /// <summary>The process entry: parses the command line, builds, lets <paramref name="configure"/> add services, runs.</summary>
    public static async Task<int> RunAsync(string[] args, Action<HostApplicationBuilder>? configure = null)
    {
        if (!ServerArguments.TryParse(args, out var options, out var error, out var help))
        {
            await (help ? Console.Out : Console.Error).WriteAsync((error is null ? "" : "p2psecurity-server: " + error + "\n") + ServerArguments.Usage).ConfigureAwait(false);
            return help ? 0 : ExitUsage;
        }
        if (options.Check)
        {
            return await CheckAsync(options).ConfigureAwait(false);
        }
        try
        {
            var builder = CreateBuilder(options);
            configure?.Invoke(builder);
            using var host = builder.Build();
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (FindStartupException(ex) is { } startup)
        {
            await Console.Error.WriteLineAsync("p2psecurity-server: " + startup.Message).ConfigureAwait(false);
            return ExitStartupFailed;
        }
    }

    /// <summary>
    /// <c>--check</c>: the preflight (the same checks as <c>reload_security preflight</c>), one line per check or JSON;
    /// nothing is started, bound for longer than the check or written. 0 when there is no [ERR], 1 otherwise.
    /// </summary>
    private static async Task<int> CheckAsync(ServerOptions options)
    {
        var report = await PreflightRunner.RunAsync(new PreflightOptions { EnvPath = options.EnvFile, Port = options.Port, MetricsAddress = options.MetricsAddress, DashboardAddress = options.DashboardAddress }).ConfigureAwait(false);
        if (options.Json)
        {
            await Console.Out.WriteLineAsync(report.ToJson()).ConfigureAwait(false);
        }
        else
        {
            report.WriteText(Console.Out);
        }
        return report.Ok ? 0 : ExitStartupFailed;
    }

    /// <summary>
    /// <see cref="CreateBuilder(ServerOptions)"/> from a command line (<c>--env-file PATH</c>, <c>--port N</c>);
    /// a command line that cannot be understood throws <see cref="StartupException"/> with the usage.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string[] args) =>
        ServerArguments.TryParse(args, out var options, out var error, out _)
            ? CreateBuilder(options)
            : throw new StartupException((error ?? "help requested") + "\n" + ServerArguments.Usage);

    /// <summary>
    /// Everything the node server needs, registered on a new host builder: the policy (an invalid file throws
    /// <see cref="StartupException"/> listing every error), the log, the node identity (created on first start),
    /// the listener and dialers, SIGHUP reload and the policy-file check.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(ServerOptions options)
    {
        var envPath = Path.GetFullPath(options.EnvFile);
        if (PolicyProfile.Missing(options.Profile, envPath) is { } missing)
        {
            throw new StartupException(missing);
        }
        // Read and validated once: the log settings come from it, and the manager starts from the same read.
        var start = ReadPolicy(envPath);
        var preview = start.Policy;
        var feed = new Dashboard.SecurityEventFeed();
        var serilog = LoggingSetup.Create(preview, options, feed);
        var loggerFactory = new SerilogLoggerFactory(serilog);
        if (options.RouteDotNettyLogs)
        {
            InternalLoggerFactory.DefaultFactory = loggerFactory;
        }
        SecurityManager manager;
        var securityLogger = loggerFactory.CreateLogger(SecurityLog.CategoryName);
        // The state database opens with the policy (STATE_DATABASE is in it) and before the lockdown is read from it.
        SqliteBanStore? database = null;
        try
        {
            manager = SecurityManager.Create(start, securityLogger, lockdownStore: policy =>
            {
                database = SqliteBanStore.Open(policy.ResolvePath(policy.StateDatabase));
                return SqliteLockdownStore.Open(database, Core.Lockdown.LockdownStore.PathFor(envPath), securityLogger);
            });
        }
        catch (Exception ex) when (ex is PolicyLoadException or BanStoreException)
        {
            database?.Dispose();
            serilog.Dispose();
            throw new StartupException(ex.Message, ex);
        }
        var store = database!;
        try
        {
            OpenBans(manager, store, securityLogger);
        }
        catch (BanStoreException ex)
        {
            manager.Dispose();
            serilog.Dispose();
            throw new StartupException(ex.Message, ex);
        }
        NodeIdentity identity;
        try
        {
            identity = LoadIdentity(manager.Policy, loggerFactory.CreateLogger<NodeServer>());
        }
        catch (NodeIdentityException ex)
        {
            manager.Bans?.Dispose();
            manager.Dispose();
            serilog.Dispose();
            throw new StartupException("NODE_IDENTITY_FILE " + ex.Message, ex);
        }
        FleetLink? fleet;
        try
        {
            fleet = FleetService.Open(manager, store, identity, loggerFactory.CreateLogger(SecurityLog.CategoryName));
        }
        catch (Exception ex) when (ex is BanStoreException or NodeIdentityException)
        {
            manager.Bans?.Dispose();
            manager.Dispose();
            serilog.Dispose();
            throw new StartupException(ex.Message, ex);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            Args = [],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(serilog, dispose: true);
        // Under systemd (Type=notify): READY=1 once the host has started, that is after every hosted service's
        // StartAsync, where the listener binds its port and the control channel its socket. Elsewhere a no-op.
        builder.Services.AddSystemd();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = NodeServer.ShutdownBound + TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton(feed);
        AddNodeServer(builder.Services, options, manager, identity);
        // Always: a reload can turn the fleet on (or off, or point it elsewhere) while the server runs.
        builder.Services.AddHostedService(sp => new FleetService(manager, store, identity, fleet, loggerFactory.CreateLogger(SecurityLog.CategoryName)));
        return builder;
    }

    private static void AddNodeServer(IServiceCollection services, ServerOptions options, SecurityManager manager, NodeIdentity identity)
    {
        services.AddSingleton(options);
        services.AddSingleton(_ => manager);
        services.AddSingleton(_ => manager.Gate);
        services.AddSingleton(_ => identity);
        services.AddSingleton(_ => manager.Bans!);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<ChannelTracker>();
        services.AddSingleton<BroadcastRelay>();
        services.AddSingleton<NodeTlsFactory>();
        services.AddSingleton<PipelineServices>();
        services.AddSingleton(sp => new NodeServerStatus(sp.GetRequiredService<SessionRegistry>(), identity) { Profile = options.Profile });
        services.AddHostedService(sp => new StateDatabaseService(sp.GetRequiredService<BanList>()));
        services.AddHostedService<NodeServer>();
        services.AddHostedService<PolicyPollService>();
        services.AddHostedService<SighupReloadService>();
        services.AddWebListeners(options, manager.Policy);
        if (options.ControlChannel)
        {
            services.AddSingleton<IServerStatusSource>(sp => sp.GetRequiredService<NodeServerStatus>());
            services.AddControlChannel(o => o.SocketPath = options.ControlSocketPath);
        }
    }

    /// <summary>
    /// Attaches the bans of the state database (STATE_DATABASE, opened with the lockdown) to the gates before any
    /// socket opens. A database that cannot be read stops the start: running without the bans it holds would fail open.
    /// </summary>
    private static void OpenBans(SecurityManager manager, SqliteBanStore store, Microsoft.Extensions.Logging.ILogger logger)
    {
        try
        {
            manager.AttachBans(BanList.Open(store, () => manager.Policy.AutoBan, logger));
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Reads the policy file before anything else starts, to learn where to log and to refuse a bad file.</summary>
    private static PolicyFileStart ReadPolicy(string envPath)
    {
        try
        {
            return PolicyFileStart.Load(envPath);
        }
        catch (PolicyLoadException ex)
        {
            throw new StartupException(ex.Message, ex);
        }
    }

    private static NodeIdentity LoadIdentity(SecurityPolicy policy, Microsoft.Extensions.Logging.ILogger logger)
    {
        var path = policy.ResolvePath(policy.NodeIdentityFile);
        var identity = NodeIdentity.LoadOrCreate(path, out var created);
        if (created)
        {
            ServerLog.IdentityCreated(logger, path, identity.NodeKey.ToString());
        }
        else
        {
            ServerLog.IdentityLoaded(logger, path, identity.NodeKey.ToString());
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(path);
                if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
                {
                    ServerLog.IdentityPermissions(logger, path, Convert.ToString((int)mode, 8));
                }
            }
        }
        return identity;
    }

    private static StartupException? FindStartupException(Exception ex) => ex switch
    {
        StartupException s => s,
        AggregateException a => a.InnerExceptions.Select(FindStartupException).FirstOrDefault(e => e is not null),
        _ when ex.InnerException is not null => FindStartupException(ex.InnerException),
        _ => null,
    };
}
