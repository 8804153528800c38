using System.Security.Cryptography;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// An empty file is a valid policy: the embedded defaults, with no blocked address and no allow list. A file becomes
/// empty far more often by accident than on purpose: an editor or a shell redirect (<c>cat new &gt; .env</c>)
/// truncates before it writes, a writer dies after its truncate, <c>: &gt; .env</c> is typed in the wrong window.
/// Applying it would lift every block and turn whitelist mode off. So an empty file that replaces a policy read from
/// a non-empty file is never applied by itself, however long it stays empty: the last good policy stays in force
/// until the file has content again, or an operator asks for the defaults (<c>reload_security reload --accept-empty</c>).
/// A server started without a file has no last good policy and runs on the defaults, as before.
/// </summary>
internal static class TruncatedFileGuard
{
    private static readonly string EmptyContentHash = Convert.ToHexStringLower(SHA256.HashData([]));

    /// <summary>
    /// True when <paramref name="bytes"/> is empty (no bytes, or only blank lines) and would replace the content of a
    /// non-empty policy file.
    /// </summary>
    public static bool IsEmptied(byte[] bytes, string contentHash, SecurityPolicy current) =>
        IsBlank(bytes) && current.ContentHash.Length > 0 && current.ContentHash != EmptyContentHash && contentHash != current.ContentHash;

    public static PolicyDiagnostic Diagnostic(string path, long revision) =>
        new(DiagnosticSeverity.Error, null, null, null,
            $"{path} is empty; revision {revision}, the last good policy, stays in force. An emptied file never puts the embedded " +
            "defaults in force by itself: 'reload_security reload --accept-empty' applies them on purpose.");

    private static readonly System.Buffers.SearchValues<byte> Blank = System.Buffers.SearchValues.Create(" \t\r\n"u8);

    private static bool IsBlank(byte[] bytes) => bytes.AsSpan().IndexOfAnyExcept(Blank) < 0;
}
