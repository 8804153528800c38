using System.Text.RegularExpressions;
using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Secrets;

namespace P2PSecurity.Core.Fleet;

/// <summary>
/// Reads FLEET_REDIS, FLEET_REDIS_PASSWORD_FILE (or the systemd credential <c>fleet_redis_password</c>), FLEET_NAME,
/// FLEET_OPERATOR_KEYS and FLEET_OPERATOR_IDENTITY. Every error names its line; a password is never part of one.
/// </summary>
internal static partial class FleetSettingsReader
{
    /// <summary>The systemd credential holding the Redis password.</summary>
    public const string PasswordCredential = "fleet_redis_password";

    public static FleetSettings? Read(IReadOnlyDictionary<string, EnvAssignment> values, List<PolicyDiagnostic> diagnostics, string? sourcePath,
        PolicyLoadContext context, IReadOnlySet<NodeKey> operatorKeys, string nodeIdentityFile)
    {
        var url = Value(values, PolicyKeys.FleetRedis);
        if (url is null)
        {
            foreach (var key in new[] { PolicyKeys.FleetName, PolicyKeys.FleetOperatorKeys, PolicyKeys.FleetOperatorIdentity, PolicyKeys.FleetRedisPasswordFile })
            {
                if (Value(values, key) is not null)
                {
                    Add(diagnostics, DiagnosticSeverity.Warning, values[key], null, "has no effect without FLEET_REDIS");
                }
            }
            return null;
        }
        var a = values[PolicyKeys.FleetRedis];
        var before = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var (host, port, database, user) = ParseUrl(url, a, diagnostics);
        var name = Value(values, PolicyKeys.FleetName) ?? FleetSettings.DefaultName;
        if (!NamePattern().IsMatch(name))
        {
            Add(diagnostics, DiagnosticSeverity.Error, values[PolicyKeys.FleetName], name, "is not a fleet name: 1-64 letters, digits, '.', '_' or '-'");
        }
        if (operatorKeys.Count == 0 && !values.ContainsKey(PolicyKeys.FleetOperatorKeys))
        {
            Add(diagnostics, DiagnosticSeverity.Error, a, null,
                "needs FLEET_OPERATOR_KEYS: the node keys (from keygen) whose signed decisions this node applies; with none, every decision would be ignored");
        }
        else if (operatorKeys.Count == 0 && values.TryGetValue(PolicyKeys.FleetOperatorKeys, out var empty) && empty.Value.Trim().Length == 0)
        {
            Add(diagnostics, DiagnosticSeverity.Error, empty, null, "is empty: with no operator key every fleet decision would be ignored");
        }
        var (password, source) = ReadPassword(values, diagnostics, sourcePath, context);
        if (diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error) > before)
        {
            return null;
        }
        return new FleetSettings
        {
            Host = host,
            Port = port,
            Database = database,
            User = user,
            Password = password,
            PasswordSource = source,
            Name = name,
            OperatorKeys = System.Collections.Frozen.FrozenSet.ToFrozenSet(operatorKeys),
            OperatorIdentityFile = Value(values, PolicyKeys.FleetOperatorIdentity) ?? nodeIdentityFile,
        };
    }

    private static (string Host, int Port, int Database, string? User) ParseUrl(string url, EnvAssignment a, List<PolicyDiagnostic> diagnostics)
    {
        const string Form = "redis://host:port[/db] (e.g. redis://10.0.0.5:6379/0)";
        if (!url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            Add(diagnostics, DiagnosticSeverity.Error, a, url, $"is not a Redis URL; write {Form}");
            return ("", 0, 0, null);
        }
        string? user = null;
        if (uri.UserInfo.Length > 0)
        {
            if (uri.UserInfo.Contains(':', StringComparison.Ordinal))
            {
                // Never echo the value: it holds a password.
                Add(diagnostics, DiagnosticSeverity.Error, a, null,
                    "holds a password; keep it out of the policy file: put it in FLEET_REDIS_PASSWORD_FILE (owner-only) or the systemd credential fleet_redis_password");
                return ("", 0, 0, null);
            }
            user = Uri.UnescapeDataString(uri.UserInfo);
        }
        var port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port;
        var database = 0;
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0 && (!int.TryParse(path, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out database) || database > 10_000))
        {
            Add(diagnostics, DiagnosticSeverity.Error, a, url, $"'/{path}' is not a database number (0-10000); write {Form}");
        }
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            Add(diagnostics, DiagnosticSeverity.Error, a, url, $"takes no query or fragment; write {Form}");
        }
        return (uri.Host.Trim('[', ']'), port, database, user);
    }

    private static (string Password, string Source) ReadPassword(IReadOnlyDictionary<string, EnvAssignment> values, List<PolicyDiagnostic> diagnostics,
        string? sourcePath, PolicyLoadContext context)
    {
        var file = Value(values, PolicyKeys.FleetRedisPasswordFile);
        var credential = context.CredentialsDirectory is { } dir ? Path.GetFullPath(Path.Combine(dir, PasswordCredential)) : null;
        if (credential is not null && !File.Exists(credential))
        {
            credential = null;
        }
        if (file is not null && credential is not null)
        {
            Add(diagnostics, DiagnosticSeverity.Error, values[PolicyKeys.FleetRedisPasswordFile], null,
                $"is set in more than one place: FLEET_REDIS_PASSWORD_FILE (line {values[PolicyKeys.FleetRedisPasswordFile].Line}) and the systemd credential {credential}; keep one");
            return (string.Empty, string.Empty);
        }
        var path = file is not null ? Resolve(file, sourcePath) : credential;
        if (path is null)
        {
            return (string.Empty, string.Empty);
        }
        var secret = SecretFileReader.TryRead(path, out var error);
        if (secret is null)
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, file is not null ? values[PolicyKeys.FleetRedisPasswordFile].Line : null,
                file is not null ? PolicyKeys.FleetRedisPasswordFile : PolicyKeys.FleetRedis, null, error!));
            return (string.Empty, string.Empty);
        }
        return (secret, file is not null ? $"{PolicyKeys.FleetRedisPasswordFile} {path}" : $"systemd credential {path}");
    }

    private static string Resolve(string path, string? sourcePath)
    {
        if (Path.IsPathRooted(path))
        {
            return Path.GetFullPath(path);
        }
        var baseDir = sourcePath is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(sourcePath))!;
        return Path.GetFullPath(Path.Combine(baseDir, path));
    }

    private static string? Value(IReadOnlyDictionary<string, EnvAssignment> values, string key) =>
        values.TryGetValue(key, out var a) && a.Value.Trim() is { Length: > 0 } v ? v : null;

    private static void Add(List<PolicyDiagnostic> diagnostics, DiagnosticSeverity severity, EnvAssignment a, string? value, string message) =>
        diagnostics.Add(new PolicyDiagnostic(severity, a.Line, a.Key, value is null ? null : EnvFileParser.Truncate(value), message));

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();
}
