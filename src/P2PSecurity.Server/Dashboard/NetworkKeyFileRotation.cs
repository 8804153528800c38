using System.Security.Cryptography;
using System.Text;
using P2PSecurity.Core.Editing;
using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Secrets;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// Rotates a network key kept in <c>NETWORK_SECRET_KEY_FILE</c> (P): the new key goes into P, never into the policy
/// file. With keep-previous the old key goes into <c>P.previous</c> and the policy file names it in
/// <c>NETWORK_SECRET_KEY_PREVIOUS_FILE</c>; without, both previous-key settings leave the policy file and a
/// <c>P.previous</c> of an earlier rotation is deleted. Every file is replaced atomically (temporary file in its folder,
/// flushed, renamed), the secret files owner-only (0600, owned by the server's user, which is who renames them).
/// </summary>
/// <remarks>
/// The order of the writes, under the policy file's edit lock (which serialises this with every other edit):
/// <list type="number">
/// <item>P.previous (keep-previous only): nothing names it yet, or an earlier rotation's line names it; either way
/// the key in force stays accepted.</item>
/// <item>The policy file. It names only files that exist by now, and P still holds the key in force, so a reload
/// that the watcher starts here finds a valid policy that closes no session proven with the key in force.</item>
/// <item>P, last: the one write that changes the key nodes must prove. Written before the policy file, a reload in
/// between would evict the sessions proven with the old key before the policy file keeps it accepted.</item>
/// <item>Without keep-previous, P.previous is deleted once the policy file no longer names it.</item>
/// </list>
/// A failed write undoes the ones before it (the policy file's old bytes, P.previous's old bytes or its absence), so a
/// failure leaves the files as they were: the key in force stays the key in force.
/// </remarks>
internal sealed class NetworkKeyFileRotation
{
    public const string PreviousSuffix = ".previous";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _policyPath;
    private readonly TimeSpan _lockTimeout;
    private readonly Action<string, byte[], bool> _write;

    /// <param name="policyPath">The policy file, as the server reads it.</param>
    /// <param name="lockTimeout">How long to wait for another edit's lock.</param>
    /// <param name="write">Writes a file atomically (path, bytes, is a secret file); the default is <see cref="AtomicFile"/>. A seam for the failure tests.</param>
    public NetworkKeyFileRotation(string policyPath, TimeSpan lockTimeout, Action<string, byte[], bool>? write = null)
    {
        _policyPath = Path.GetFullPath(policyPath);
        _lockTimeout = lockTimeout;
        _write = write ?? ((path, bytes, secret) => AtomicFile.Write(path, bytes, secret ? OwnerOnly : null));
    }

    /// <summary>P, resolved as the loader resolves it (relative to the policy file's folder), or null when <paramref name="policyText"/> names no key file.</summary>
    public string? KeyFile(string policyText)
    {
        var value = EnvFileParser.Parse(policyText).Last(PolicyKeys.NetworkSecretKeyFile)?.Value.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        return Path.GetFullPath(Path.IsPathRooted(value) ? value : Path.Combine(Path.GetDirectoryName(_policyPath)!, value));
    }

    /// <summary>
    /// What the rotation would write, from the policy file's <paramref name="policyText"/>: its new text, and the
    /// secret files' contents (path to key) to judge it with. Throws <see cref="PolicyEditException"/> when the old
    /// key must be kept and cannot be read.
    /// </summary>
    public NetworkKeyFilePlan Plan(string policyText, string newKey, bool keepPrevious)
    {
        var keyFile = KeyFile(policyText) ?? throw new PolicyEditException(PolicyEditFailure.InvalidPolicy,
            $"{_policyPath} no longer names {PolicyKeys.NetworkSecretKeyFile}; nothing was written. Load the page again");
        var previousFile = keyFile + PreviousSuffix;
        // Null when P cannot be read: then only a rotation that drops the old key can go on (and it repairs P).
        var oldKey = SecretFileReader.TryRead(keyFile, out var error);
        if (keepPrevious && oldKey is null)
        {
            throw new PolicyEditException(PolicyEditFailure.Io,
                $"the key in force cannot be read from {keyFile} ({error}), so it cannot be kept accepted; nothing was written. Fix the file, or rotate without keeping the previous key");
        }
        var text = EnvValueEditor.Remove(policyText, PolicyKeys.NetworkSecretKeyPrevious);
        text = keepPrevious
            ? SetPath(text, PolicyKeys.NetworkSecretKeyPreviousFile, previousFile)
            : EnvValueEditor.Remove(text, PolicyKeys.NetworkSecretKeyPreviousFile);
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal) { [keyFile] = newKey };
        if (keepPrevious)
        {
            secrets[previousFile] = oldKey!;
        }
        return new NetworkKeyFilePlan(keyFile, previousFile, oldKey, text, secrets, keepPrevious);
    }

    /// <summary>
    /// Writes the rotation under the edit lock, after checking that the policy file, with the new keys, is a valid
    /// policy (<paramref name="validate"/> gives the loader's errors, none for a valid one). Throws
    /// <see cref="PolicyEditException"/> with every file as it was when anything fails; no message holds a key.
    /// </summary>
    public NetworkKeyFileRotationResult Rotate(string newKey, bool keepPrevious, Func<NetworkKeyFilePlan, IReadOnlyList<string>> validate)
    {
        var target = ResolveTarget(_policyPath);
        using var editLock = EnvFileLock.Acquire(target, _lockTimeout);
        AtomicFile.DeleteStaleTemporaries(target);
        var (oldText, _) = new PolicyFileRewriter(_policyPath, _lockTimeout).Read();
        var plan = Plan(oldText, newKey, keepPrevious);
        if (string.Equals(plan.OldKey, newKey, StringComparison.Ordinal))
        {
            throw new PolicyEditException(PolicyEditFailure.InvalidEntry,
                $"that is the key in {plan.KeyFile} already (fingerprint {KeyFingerprint.Of(newKey)}); nothing was written");
        }
        if (validate(plan) is { Count: > 0 } errors)
        {
            throw new PolicyEditException(PolicyEditFailure.InvalidPolicy,
                $"with the new key the policy would not be valid, so nothing was written:{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => "  " + e))}");
        }
        AtomicFile.DeleteStaleTemporaries(plan.KeyFile);
        var policyChanged = !string.Equals(oldText, plan.PolicyText, StringComparison.Ordinal);
        var previousBefore = ReadIfExists(plan.PreviousFile);
        var undo = new List<(string What, Action Step)>();
        try
        {
            if (keepPrevious)
            {
                Write(plan.PreviousFile, Secret(plan.OldKey!), secret: true, "the previous key's file");
                undo.Add((plan.PreviousFile, () => Restore(plan.PreviousFile, previousBefore)));
            }
            if (policyChanged)
            {
                Write(target, Encoding.UTF8.GetBytes(plan.PolicyText), secret: false, "the policy file");
                undo.Add((target, () => _write(target, Encoding.UTF8.GetBytes(oldText), false)));
            }
            Write(plan.KeyFile, Secret(newKey), secret: true, "the key file");
        }
        catch (PolicyEditException ex)
        {
            throw Undo(ex, undo);
        }
        finally
        {
            if (previousBefore is not null)
            {
                CryptographicOperations.ZeroMemory(previousBefore);
            }
        }
        var warnings = new List<string>();
        if (!keepPrevious && File.Exists(plan.PreviousFile))
        {
            try
            {
                File.Delete(plan.PreviousFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                warnings.Add($"{plan.PreviousFile} (an earlier rotation's previous key, no longer named) could not be deleted: {ex.Message}; delete it by hand");
            }
        }
        return new NetworkKeyFileRotationResult(plan, policyChanged, PolicyFileRewriter.Sha256(plan.PolicyText), warnings);
    }

    private void Write(string path, byte[] bytes, bool secret, string what)
    {
        try
        {
            _write(path, bytes, secret);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PolicyEditException(PolicyEditFailure.Io, $"cannot write {what} {path}: {ex.Message}", ex);
        }
        finally
        {
            if (secret)
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }
    }

    /// <summary>The failure, with what was undone: the files as they were, or which one could not be put back (named, never its content).</summary>
    private static PolicyEditException Undo(PolicyEditException failure, List<(string What, Action Step)> undo)
    {
        var notRestored = new List<string>();
        for (var i = undo.Count - 1; i >= 0; i--)
        {
            try
            {
                undo[i].Step();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                notRestored.Add($"{undo[i].What} ({ex.Message})");
            }
        }
        var state = notRestored.Count == 0
            ? "every file is as it was and the key in force is unchanged"
            : $"and these could not be put back: {string.Join("; ", notRestored)}. Check them before the next reload";
        return new PolicyEditException(failure.Failure, $"{failure.Message}; {state}", failure);
    }

    private void Restore(string path, byte[]? before)
    {
        if (before is null)
        {
            File.Delete(path);
            return;
        }
        _write(path, (byte[])before.Clone(), true);
    }

    private static byte[]? ReadIfExists(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PolicyEditException(PolicyEditFailure.Io, $"cannot read {path}: {ex.Message}; nothing was written", ex);
        }
    }

    /// <summary>One line, as <c>echo KEY &gt; file</c> writes it; the reader drops the newline.</summary>
    private static byte[] Secret(string key) => Encoding.UTF8.GetBytes(key + "\n");

    /// <summary>A path as a setting's value: bare when it can be, else double-quoted (a path has no quote or '$' we would write).</summary>
    private static string SetPath(string text, string key, string path)
    {
        if (EnvValueEditor.IsBare(path))
        {
            return EnvValueEditor.Set(text, key, path);
        }
        if (path.IndexOfAny(['"', '\\', '$', '`', '\n']) >= 0)
        {
            throw new PolicyEditException(PolicyEditFailure.UnsupportedSyntax,
                $"{path} cannot be written as {key}'s value (quotes, '\\', '$' or '`' in the path); move the key file to a plainer path");
        }
        return EnvValueEditor.SetRaw(text, key, "\"" + path + "\"");
    }

    /// <summary>The file to write: a symbolic link is followed, so the link stays a link (as the tools' editor does).</summary>
    private static string ResolveTarget(string full)
    {
        var info = new FileInfo(full);
        return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } resolved ? resolved.FullName : full;
    }
}
