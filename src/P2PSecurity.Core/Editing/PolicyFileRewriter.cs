using System.Security.Cryptography;
using System.Text;

namespace P2PSecurity.Core.Editing;

/// <summary>
/// Rewrites a whole policy file on the list editor's rules: under the file's edit lock, only when the new text is
/// a valid policy, atomically, byte for byte as given. For the dashboard's "apply this file" and its network-key
/// rotation. With a base hash, a file that changed since the caller read it is not overwritten (someone else's
/// edit is never lost silently).
/// </summary>
public sealed class PolicyFileRewriter(string path, TimeSpan? lockTimeout = null)
{
    private readonly TimeSpan _lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);

    /// <summary>SHA-256 of <paramref name="text"/>'s UTF-8 bytes, lower-case hex: what <c>baseSha256</c> compares with.</summary>
    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Reads the file (empty when missing) and its hash.</summary>
    public (string Text, string Sha256) Read()
    {
        var text = PolicyFileEditor.ReadText(PolicyFileEditor.ResolveTarget(path));
        return (text, Sha256(text));
    }

    /// <summary>Replaces the file's text by <paramref name="text"/>.</summary>
    public PolicyRewriteResult Replace(string text, string? baseSha256, bool openNetwork, CancellationToken cancellationToken = default) =>
        Rewrite(_ => text, baseSha256, openNetwork, cancellationToken);

    /// <summary>
    /// Replaces the file's text by <paramref name="edit"/> of it, read under the lock. Throws
    /// <see cref="PolicyEditException"/> (nothing written) when the result is not a valid policy, the file changed since
    /// <paramref name="baseSha256"/>, or the allow list would be emptied without <paramref name="openNetwork"/>.
    /// </summary>
    public PolicyRewriteResult Rewrite(Func<string, string> edit, string? baseSha256, bool openNetwork, CancellationToken cancellationToken = default)
    {
        var target = PolicyFileEditor.ResolveTarget(path);
        using var editLock = EnvFileLock.Acquire(target, _lockTimeout, cancellationToken);
        AtomicFile.DeleteStaleTemporaries(target);
        var old = PolicyFileEditor.ReadText(target);
        if (baseSha256 is not null && !string.Equals(baseSha256, Sha256(old), StringComparison.OrdinalIgnoreCase))
        {
            throw new PolicyEditException(PolicyEditFailure.Conflict,
                $"{target} changed since it was read (someone else edited it); nothing was written. Load it again and redo the change");
        }
        var text = edit(old);
        var after = PolicyFileText.Validate(text, target);
        if (after.Policy is not { } policy)
        {
            throw new PolicyEditException(PolicyEditFailure.InvalidPolicy,
                $"the new text is not a valid policy, so nothing was written:{Environment.NewLine}{string.Join(Environment.NewLine, after.Errors.Select(e => "  " + e))}");
        }
        var before = PolicyFileText.Validate(old, target);
        if (before.Policy is { WhitelistMode: true } && !policy.WhitelistMode && !openNetwork)
        {
            throw new PolicyEditException(PolicyEditFailure.WouldOpenNetwork,
                "the new text empties ALLOWED_NODE_KEYS: whitelist mode would turn off and any authenticated node would be admitted. Nothing was written; confirm that you mean it (open_network)");
        }
        var warnings = after.Warnings.Select(w => w.ToString()).ToList();
        if (string.Equals(old, text, StringComparison.Ordinal))
        {
            return new PolicyRewriteResult(target, false, policy, warnings, Sha256(text));
        }
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            AtomicFile.Write(target, Encoding.UTF8.GetBytes(text));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PolicyEditException(PolicyEditFailure.Io, $"cannot write {target}: {ex.Message}; the file is unchanged", ex);
        }
        return new PolicyRewriteResult(target, true, policy, warnings, Sha256(text));
    }
}
