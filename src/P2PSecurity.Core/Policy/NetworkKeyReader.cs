using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Secrets;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// Finds the network key and the previous (rotation) key: in the .env, in a file named by the .env
/// (<c>NETWORK_SECRET_KEY_FILE</c>, owner-only), or in the systemd credential <c>network_secret_key</c>. Two sources
/// of one key are an error naming both; a key written in a .env that group or others can read is a warning.
/// No message ever holds a secret's characters.
/// </summary>
internal static class NetworkKeyReader
{
    public static NetworkKeyMaterial Read(
        IReadOnlyDictionary<string, EnvAssignment> values, List<PolicyDiagnostic> diagnostics, string? sourcePath,
        PolicyLoadContext context, Func<string, string> inlineSecret)
    {
        var files = new List<string>();
        var credential = context.NetworkKeyCredentialPath;
        if (credential is not null)
        {
            files.Add(credential); // watched even while absent: it may be put there later
        }
        var before = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var (current, currentSource) = ReadOne(PolicyKeys.NetworkSecretKey, PolicyKeys.NetworkSecretKeyFile,
            credential is not null && File.Exists(credential) ? credential : null, values, diagnostics, sourcePath, files, inlineSecret, context.CandidateSecrets);
        var currentFailed = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error) > before;
        var (previous, previousSource) = ReadOne(PolicyKeys.NetworkSecretKeyPrevious, PolicyKeys.NetworkSecretKeyPreviousFile,
            null, values, diagnostics, sourcePath, files, inlineSecret, context.CandidateSecrets);

        if (previous.Length > 0 && current.Length == 0 && !currentFailed)
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, LineOf(values, PolicyKeys.NetworkSecretKeyPrevious, PolicyKeys.NetworkSecretKeyPreviousFile),
                PolicyKeys.NetworkSecretKeyPrevious, null,
                "is set but there is no current key: set NETWORK_SECRET_KEY (or NETWORK_SECRET_KEY_FILE) to the key this node proves with"));
        }
        else if (previous.Length > 0 && string.Equals(previous, current, StringComparison.Ordinal))
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, LineOf(values, PolicyKeys.NetworkSecretKeyPrevious, PolicyKeys.NetworkSecretKeyPreviousFile),
                PolicyKeys.NetworkSecretKeyPrevious, null,
                $"is the same key as the current one (fingerprint {KeyFingerprint.Of(current)}); remove it once the rotation is done"));
        }
        WarnIfShared(values, diagnostics, sourcePath, PolicyKeys.NetworkSecretKey);
        WarnIfShared(values, diagnostics, sourcePath, PolicyKeys.NetworkSecretKeyPrevious);
        return new NetworkKeyMaterial(current, currentSource, previous, previousSource, files);
    }

    private static (string Secret, string Source) ReadOne(
        string inlineKey, string fileKey, string? credential, IReadOnlyDictionary<string, EnvAssignment> values,
        List<PolicyDiagnostic> diagnostics, string? sourcePath, List<string> files, Func<string, string> inlineSecret,
        IReadOnlyDictionary<string, string> candidates)
    {
        var inline = inlineSecret(inlineKey);
        values.TryGetValue(fileKey, out var fileAssignment);
        var filePath = fileAssignment?.Value.Trim() is { Length: > 0 } p ? p : null;

        var sources = new List<string>(3);
        if (inline.Length > 0)
        {
            sources.Add($"{inlineKey} (line {values[inlineKey].Line})");
        }
        if (filePath is not null)
        {
            sources.Add($"{fileKey} (line {fileAssignment!.Line})");
        }
        if (credential is not null)
        {
            sources.Add($"the systemd credential {credential}");
        }
        if (sources.Count > 1)
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, fileAssignment?.Line ?? values.GetValueOrDefault(inlineKey)?.Line, inlineKey, null,
                $"is set in more than one place: {string.Join(" and ", sources)}; keep one"));
            return (string.Empty, string.Empty);
        }
        if (inline.Length > 0)
        {
            return (inline, sourcePath is null ? inlineKey : $"{inlineKey} in {sourcePath}");
        }
        var path = filePath is not null ? Resolve(filePath, sourcePath) : credential;
        if (path is null)
        {
            return (string.Empty, string.Empty);
        }
        if (!files.Contains(path, StringComparer.Ordinal))
        {
            files.Add(path);
        }
        string? error = null;
        var secret = candidates.TryGetValue(path, out var candidate) ? candidate : SecretFileReader.TryRead(path, out error);
        var key = filePath is not null ? fileKey : inlineKey;
        var line = filePath is not null ? fileAssignment!.Line : (int?)null;
        if (secret is null)
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, line, key, null, error!));
            return (string.Empty, string.Empty);
        }
        if (secret.Length < 16)
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, line, key, null,
                $"{path} holds only {secret.Length} characters; use at least 16 random characters (e.g. openssl rand -hex 32)"));
        }
        return (secret, filePath is not null ? $"{fileKey} {path}" : $"systemd credential {path}");
    }

    private static void WarnIfShared(IReadOnlyDictionary<string, EnvAssignment> values, List<PolicyDiagnostic> diagnostics, string? sourcePath, string key)
    {
        if (sourcePath is null || !values.TryGetValue(key, out var a) || a.Value.Length == 0 || SecretFileCheck.SharedMode(sourcePath) is not { } mode)
        {
            return;
        }
        diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, a.Line, key, null,
            $"is written in {sourcePath}, which group or others can read (mode {mode}); chmod 600 it, or move the key to {key}_FILE"));
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

    private static int? LineOf(IReadOnlyDictionary<string, EnvAssignment> values, string a, string b) =>
        values.GetValueOrDefault(a)?.Line ?? values.GetValueOrDefault(b)?.Line;
}
