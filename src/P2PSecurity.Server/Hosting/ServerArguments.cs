using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Server.Hosting;

/// <summary>The server's command line: <c>[--env-file PATH | --profile NAME] [--port N] [--check [--json]]</c>.</summary>
internal static class ServerArguments
{
    public const string Usage =
        "usage: p2psecurity-server [--env-file PATH | --profile NAME] [--port N] [--dashboard ADDRESS|off] [--metrics ADDRESS|on|off] [--check [--json]]\n" +
        "  --env-file PATH  policy file (default ./.env; a missing file means the embedded defaults)\n" +
        "  --profile NAME   use ./.env.NAME instead of ./.env (also P2PSECURITY_PROFILE); it must exist. --env-file wins\n" +
        "  --port N         listen on port N instead of DEFAULT_P2P_PORT (0: any free port)\n" +
        "  --dashboard A    DASHBOARD_ADDRESS instead of the file's (off, on, or ADDRESS:PORT)\n" +
        "  --metrics A      METRICS_ADDRESS instead of the file's (off, on, or ADDRESS:PORT)\n" +
        "  --check          check everything a start needs and exit without starting: 0 ready, 1 not (systemd ExecStartPre=)\n" +
        "  --json           with --check: print the checks as JSON\n";

    /// <summary>Parses the arguments; false with an error (or with <paramref name="help"/> set) when the server should not run.</summary>
    public static bool TryParse(string[] args, [NotNullWhen(true)] out ServerOptions? options, out string? error, out bool help) =>
        TryParse(args, PolicyProfile.FromEnvironment(), out options, out error, out help);

    /// <summary>As above, with the value of P2PSECURITY_PROFILE passed in.</summary>
    public static bool TryParse(string[] args, string? profileFromEnvironment, [NotNullWhen(true)] out ServerOptions? options, out string? error, out bool help)
    {
        options = null;
        error = null;
        help = false;
        string? envFile = null;
        string? profile = null;
        int? port = null;
        string? dashboard = null, metrics = null;
        var check = false;
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var (name, inline) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 && arg.StartsWith("--", StringComparison.Ordinal)
                ? (arg[..eq], arg[(eq + 1)..])
                : (arg, null);
            switch (name)
            {
                case "-h" or "--help":
                    help = true;
                    return false;
                case "--check" when inline is null:
                    check = true;
                    break;
                case "--json" when inline is null:
                    json = true;
                    break;
                case "--env-file" or "--port" or "--profile" or "--dashboard" or "--metrics":
                    var value = inline ?? (i + 1 < args.Length ? args[++i] : null);
                    if (string.IsNullOrEmpty(value))
                    {
                        error = $"{name} needs a value";
                        return false;
                    }
                    if (name == "--env-file")
                    {
                        envFile = value;
                    }
                    else if (name is "--dashboard" or "--metrics")
                    {
                        var fallback = name == "--dashboard" ? Core.Policy.WebListenAddress.DashboardDefault : Core.Policy.WebListenAddress.MetricsDefault;
                        if (!Core.Policy.WebListenAddress.TryParse(value, fallback, out _, out var addressError))
                        {
                            error = $"{name} '{value}' {addressError}";
                            return false;
                        }
                        _ = name == "--dashboard" ? dashboard = value : metrics = value;
                    }
                    else if (name == "--profile")
                    {
                        profile = value;
                    }
                    else if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535)
                    {
                        port = p;
                    }
                    else
                    {
                        error = $"--port '{value}' is not a port (0-65535)";
                        return false;
                    }
                    break;
                default:
                    error = $"unknown argument '{arg}'";
                    return false;
            }
        }
        if (json && !check)
        {
            error = "--json goes with --check";
            return false;
        }
        var (path, inForce, profileError) = PolicyProfile.Resolve(envFile, profile ?? profileFromEnvironment, Directory.GetCurrentDirectory());
        if (profileError is not null)
        {
            error = profileError;
            return false;
        }
        options = new ServerOptions
        {
            EnvFile = path, Profile = inForce, Port = port, RouteDotNettyLogs = true, DashboardAddress = dashboard, MetricsAddress = metrics, Check = check, Json = json,
        };
        return true;
    }
}
