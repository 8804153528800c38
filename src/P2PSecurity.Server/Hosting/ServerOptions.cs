using Serilog.Events;

namespace P2PSecurity.Server.Hosting;

/// <summary>How to run the node server: the command line, or a test's choices.</summary>
public sealed class ServerOptions
{
    /// <summary>The policy file (<c>--env-file</c>); relative paths in it are relative to its folder.</summary>
    public string EnvFile { get; init; } = ".env";

    /// <summary>
    /// The profile (<c>--profile NAME</c> or P2PSECURITY_PROFILE) that chose <see cref="EnvFile"/> (<c>.env.NAME</c>),
    /// or null. A profile's file must exist: the server does not start on the embedded defaults for a misspelt one.
    /// </summary>
    public string? Profile { get; init; }

    /// <summary>Overrides DEFAULT_P2P_PORT (<c>--port</c>); 0 lets the system pick a free port.</summary>
    public int? Port { get; init; }

    /// <summary>DotNetty worker event loops.</summary>
    public int WorkerThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// How often the policy file is checked for changes between connections (a stat call, about a microsecond), so
    /// that an edit that blocks a connected node closes its session within a second even when no one connects.
    /// Zero turns the check off (reloads then happen on connections, SIGHUP and the control channel).
    /// </summary>
    public TimeSpan PolicyPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Log to the console as well as to SECURITY_LOG_FILE.</summary>
    public bool ConsoleLog { get; init; } = true;

    public LogEventLevel MinimumLevel { get; init; } = LogEventLevel.Information;

    /// <summary>
    /// Route DotNetty's own logger into this server's log. DotNetty's logger factory is process-wide, so only the
    /// process's one server sets it; in-process test servers leave it alone.
    /// </summary>
    public bool RouteDotNettyLogs { get; init; }

    /// <summary>
    /// Open the control socket (CONTROL_SOCKET) that reload_security, manage_trusted_nodes and watch_config use.
    /// On for the real server; in-process test servers that share a folder turn it off or choose their own path.
    /// </summary>
    public bool ControlChannel { get; init; } = true;

    /// <summary><c>--check</c>: run the preflight and exit instead of starting.</summary>
    public bool Check { get; init; }

    /// <summary><c>--json</c> with <c>--check</c>.</summary>
    public bool Json { get; init; }

    /// <summary>Overrides the policy's CONTROL_SOCKET.</summary>
    public string? ControlSocketPath { get; init; }

    /// <summary>Overrides the policy's METRICS_ADDRESS (<c>--metrics</c>): off, on or ADDRESS:PORT.</summary>
    public string? MetricsAddress { get; init; }

    /// <summary>Overrides the policy's DASHBOARD_ADDRESS (<c>--dashboard</c>): off, on or ADDRESS:PORT.</summary>
    public string? DashboardAddress { get; init; }
}
