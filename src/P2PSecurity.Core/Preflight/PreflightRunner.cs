using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Preflight;

/// <summary>
/// Checks everything a start needs, without starting (like <c>nginx -t</c> and <c>sshd -t</c>): the policy file,
/// the identity, the secret, the listen address, the /metrics listener, the control socket's folder, the log file
/// and the lockdown state.
/// One implementation for <c>p2psecurity-server --check</c> (systemd's ExecStartPre=) and
/// <c>reload_security preflight</c>. Run it as the user the server runs as: permissions are checked for that user.
/// </summary>
public static class PreflightRunner
{
    public static async Task<PreflightReport> RunAsync(PreflightOptions options, CancellationToken cancellationToken = default)
    {
        var envPath = Path.GetFullPath(options.EnvPath);
        var checks = new List<PreflightCheck>();
        var policy = CheckPolicy(envPath, checks);
        if (policy is null)
        {
            // Paths, port and socket come from the file: nothing else can be checked on a file that does not load.
            return PreflightReport.Of(envPath, checks);
        }
        var server = new ServerProbe(envPath, options.ServerTimeout);
        checks.Add(FileChecks.Identity(policy));
        checks.Add(FileChecks.Secret(policy, envPath));
        checks.Add(await ListenCheck.RunAsync(policy, options.Port, server, cancellationToken).ConfigureAwait(false));
        checks.Add(await ListenCheck.MetricsAsync(MetricsAddress(policy, options), server, cancellationToken).ConfigureAwait(false));
        checks.Add(await ListenCheck.DashboardAsync(DashboardAddress(policy, options), server, cancellationToken).ConfigureAwait(false));
        checks.Add(await FileChecks.ControlSocketAsync(policy, server, cancellationToken).ConfigureAwait(false));
        checks.Add(FileChecks.StateDatabase(policy));
        checks.Add(FileChecks.LogFile(policy));
        checks.Add(await LockdownCheck.RunAsync(envPath, policy, server, cancellationToken).ConfigureAwait(false));
        return PreflightReport.Of(envPath, checks);
    }

    /// <summary><c>--metrics</c> when given (the server's argument parser has checked it), else METRICS_ADDRESS.</summary>
    private static WebListenAddress? MetricsAddress(SecurityPolicy policy, PreflightOptions options) =>
        options.MetricsAddress is { } text && WebListenAddress.TryParse(text, WebListenAddress.MetricsDefault, out var address, out _)
            ? address
            : policy.MetricsAddress;

    /// <summary><c>--dashboard</c> when given, else DASHBOARD_ADDRESS.</summary>
    private static WebListenAddress? DashboardAddress(SecurityPolicy policy, PreflightOptions options) =>
        options.DashboardAddress is { } text && WebListenAddress.TryParse(text, WebListenAddress.DashboardDefault, out var address, out _)
            ? address
            : policy.DashboardAddress;

    /// <summary>The same validation as <c>reload_security check</c> and the server's start: every error, with its line.</summary>
    private static SecurityPolicy? CheckPolicy(string envPath, List<PreflightCheck> checks)
    {
        if (!File.Exists(envPath))
        {
            checks.Add(PreflightCheck.Warn("policy", $"policy {envPath} does not exist; the server would run on the embedded defaults",
                "copy .env.example there, or give the right --env-file"));
            return SecurityPolicy.Defaults with { SourcePath = envPath };
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(envPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            checks.Add(PreflightCheck.Err("policy", $"policy {envPath} cannot be read: {ex.Message}", "fix its owner or mode; the server must read it as the user it runs as"));
            return null;
        }
        var loaded = PolicyLoader.Load(bytes, envPath);
        if (loaded.Policy is null)
        {
            var errors = loaded.Errors.ToList();
            checks.Add(PreflightCheck.Err("policy", $"policy {envPath} is invalid: {errors.Count} error{(errors.Count == 1 ? "" : "s")}",
                "fix every line below; the server refuses to start on an invalid file"));
            foreach (var error in errors)
            {
                checks.Add(PreflightCheck.Err("policy", error.ToString(), null));
            }
            return null;
        }
        checks.Add(PreflightCheck.Ok("policy", $"policy {envPath}: valid, {loaded.Policy.ModeDescription}"));
        foreach (var warning in loaded.Warnings)
        {
            checks.Add(PreflightCheck.Warn("policy", warning.ToString()));
        }
        return loaded.Policy;
    }
}
