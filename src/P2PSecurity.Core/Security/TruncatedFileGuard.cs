using System.Security.Cryptography;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// An editor or a shell redirect (<c>cat new &gt; .env</c>) that writes in place truncates the file before it writes
/// it. A reload that reads it in that moment sees an empty file, which is a valid policy: the embedded defaults,
/// with no blocked address and no allow list. Applying it would open every block until the writer finishes, and
/// then log and evict as if the operator had changed everything twice. So an empty file that replaces a non-empty
/// policy counts only once it has stayed empty past the racy window; until then the policy in force stays and the
/// file is looked at again shortly.
/// </summary>
internal static class TruncatedFileGuard
{
    private static readonly string EmptyContentHash = Convert.ToHexStringLower(SHA256.HashData([]));

    /// <summary>True when <paramref name="bytes"/> is most likely a file caught between truncate and write.</summary>
    public static bool IsProbablyHalfWritten(byte[] bytes, SecurityPolicy current, PolicyFileWatch watch) =>
        bytes.Length == 0 && watch.IsRacy && current.ContentHash.Length > 0 && current.ContentHash != EmptyContentHash;

    public static PolicyDiagnostic Diagnostic(string path, long revision, TimeSpan window) =>
        new(DiagnosticSeverity.Error, null, null, null,
            $"{path} is empty and changed within the last {window.TotalSeconds:0.###} s, as a file caught between truncate and write is; " +
            $"revision {revision} stays in force. An empty file means the embedded defaults: it applies once it has stayed empty that long.");
}
