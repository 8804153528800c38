using System.Text;
using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Editing;

/// <summary>
/// Reads and validates a policy file for the tools, which need the findings but not the content hash the server
/// uses to detect changes: hashing loads OpenSSL, a large part of a short-lived tool's start time.
/// </summary>
public static class PolicyFileText
{
    /// <summary>Stands in for <see cref="SecurityPolicy.ContentHash"/> in policies validated here.</summary>
    public const string NotHashed = "not-hashed";

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Validates <paramref name="text"/> as the content of <paramref name="path"/>.</summary>
    public static PolicyLoadResult Validate(string text, string path) => PolicyLoader.Load(text, path, NotHashed);

    /// <summary>Reads and validates a file; a missing file validates as empty (the embedded defaults).</summary>
    public static (PolicyLoadResult Result, string? Text, bool Exists) Load(string path)
    {
        var bytes = EnvFileReader.Read(path, out var exists, out var error);
        if (!exists)
        {
            return (Validate(string.Empty, path), null, false);
        }
        if (bytes is null)
        {
            return (Failed(null, $"cannot read {path}: {error}"), null, true);
        }
        try
        {
            var text = StrictUtf8.GetString(bytes);
            return (Validate(text, path), text, true);
        }
        catch (DecoderFallbackException ex)
        {
            var line = 1 + bytes.AsSpan(0, Math.Clamp(ex.Index, 0, bytes.Length)).Count((byte)'\n');
            return (Failed(line, "the file is not valid UTF-8 text (binary or another encoding?)"), null, true);
        }
    }

    private static PolicyLoadResult Failed(int? line, string message) =>
        new(null, [new PolicyDiagnostic(DiagnosticSeverity.Error, line, null, null, message)]);
}
