namespace P2PSecurity.Core.Preflight;

/// <summary>What to check: the policy file, and what the server's command line would override.</summary>
public sealed record PreflightOptions
{
    /// <summary>The policy file (full or relative path).</summary>
    public string EnvPath { get; init; } = ".env";

    /// <summary>The server's <c>--port</c>, overriding DEFAULT_P2P_PORT.</summary>
    public int? Port { get; init; }

    /// <summary>The server's <c>--metrics</c> (off, on, ADDRESS:PORT), overriding METRICS_ADDRESS.</summary>
    public string? MetricsAddress { get; init; }

    /// <summary>The server's <c>--dashboard</c> (off, on, ADDRESS:PORT), overriding DASHBOARD_ADDRESS.</summary>
    public string? DashboardAddress { get; init; }

    /// <summary>How long to wait for a running server's answer on the control socket.</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromSeconds(3);
}
