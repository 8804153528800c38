using System.Text;
using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Editing;

/// <summary>
/// Edits the lists of a policy file safely: validates the entry, takes the file's edit lock, edits the text with
/// <see cref="EnvListEditor"/>, validates the whole new text with <see cref="PolicyLoader"/>, and writes it with
/// <see cref="AtomicFile"/>. A file that would be invalid is never written; a refused edit changes nothing.
/// </summary>
public sealed class PolicyFileEditor(string path, TimeSpan? lockTimeout = null)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly TimeSpan _lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);

    /// <summary>The file as given.</summary>
    public string PathGiven { get; } = path;

    /// <summary>Adds a node key to ALLOWED_NODE_KEYS or BLOCKED_NODE_KEYS, or an address/CIDR to BLOCKED_IP_ADDRESSES.</summary>
    public PolicyEditResult Add(PolicyList list, string input, string? label = null, CancellationToken cancellationToken = default)
    {
        var entry = Normalize(list, input);
        var cleanLabel = label is null ? null : ValidateLabel(label);
        return Edit(list, entry, text => EnvListEditor.Add(text, list, entry, cleanLabel), expectPresent: true, openNetwork: false, cancellationToken);
    }

    /// <summary>Removes an entry from a list; absent is not an error.</summary>
    /// <remarks>
    /// Removing the last allowed key turns whitelist mode off, which admits every authenticated node: that is refused
    /// (<see cref="PolicyEditFailure.WouldOpenNetwork"/>, nothing written) unless <paramref name="openNetwork"/> says
    /// the operator means it.
    /// </remarks>
    public PolicyEditResult Remove(PolicyList list, string input, bool openNetwork, CancellationToken cancellationToken = default)
    {
        var entry = Normalize(list, input);
        return Edit(list, entry, text => EnvListEditor.Remove(text, list, entry), expectPresent: false, openNetwork, cancellationToken);
    }

    /// <summary>Removes an entry from a list, refusing to open the network (see the overload with <c>openNetwork</c>).</summary>
    public PolicyEditResult Remove(PolicyList list, string input, CancellationToken cancellationToken = default) =>
        Remove(list, input, openNetwork: false, cancellationToken);

    /// <summary>Blocks a node key, address or CIDR (the list is chosen from the form of <paramref name="input"/>).</summary>
    public PolicyEditResult Block(string input, string? label = null, CancellationToken cancellationToken = default) =>
        Add(ClassifyBlockTarget(input), input, label, cancellationToken);

    /// <summary>Unblocks a node key, address or CIDR.</summary>
    public PolicyEditResult Unblock(string input, CancellationToken cancellationToken = default) =>
        Remove(ClassifyBlockTarget(input), input, cancellationToken);

    private static PolicyList ClassifyBlockTarget(string input) =>
        ListEntry.TryClassifyBlockTarget(input, out var list, out _, out var error)
            ? list
            : throw new PolicyEditException(PolicyEditFailure.InvalidEntry, $"'{Logging.LogText.Escape(input)}' is neither a node key nor an IP address or CIDR: {error}");

    private static string Normalize(PolicyList list, string input)
    {
        if (!ListEntry.TryNormalize(list, input, out var entry, out var error))
        {
            var what = list.HoldsNodeKeys() ? "node key" : "IP address or CIDR";
            throw new PolicyEditException(PolicyEditFailure.InvalidEntry, $"'{Logging.LogText.Escape(input)}' is not a valid {what}: {error}");
        }
        return entry;
    }

    private static string ValidateLabel(string label) =>
        EntryLabels.TryValidate(label, out var cleaned, out var error)
            ? cleaned
            : throw new PolicyEditException(PolicyEditFailure.InvalidEntry, "--label: " + error);

    private PolicyEditResult Edit(PolicyList list, string entry, Func<string, EnvEdit> edit, bool expectPresent, bool openNetwork, CancellationToken cancellationToken)
    {
        var target = ResolveTarget(PathGiven);
        Prepare(list, edit, target);
        using var editLock = EnvFileLock.Acquire(target, _lockTimeout, cancellationToken);
        AtomicFile.DeleteStaleTemporaries(target);
        var text = ReadText(target);
        var before = PolicyFileText.Validate(text, target);
        var result = edit(text);
        var warnings = new List<string>();
        if (!result.Outcome.ChangesFile())
        {
            var current = before.Policy ?? throw Invalid(target, before, before);
            warnings.AddRange(EntryWarnings(current, list, entry, expectPresent));
            return new PolicyEditResult(target, result.Outcome, list, entry, false, current, warnings);
        }
        var after = PolicyFileText.Validate(result.Text, target);
        var policy = after.Policy ?? throw Invalid(target, before, after);
        if (Contains(policy, list, entry) != expectPresent)
        {
            throw new InvalidOperationException($"the edit of {list.KeyName()} did not give the expected policy for {entry}");
        }
        if (before.Policy is { WhitelistMode: true } && !policy.WhitelistMode)
        {
            if (!openNetwork)
            {
                throw new PolicyEditException(PolicyEditFailure.WouldOpenNetwork,
                    $"{entry} is the last key in {list.KeyName()} of {target}: removing it turns whitelist mode off and would open the node " +
                    $"to any authenticated node. Nothing was written. To do that on purpose: manage_trusted_nodes remove {entry} --open-network");
            }
            warnings.Add($"{list.KeyName()} is now empty: whitelist mode is off, and any authenticated node is admitted (--open-network)");
        }
        // New findings only; "both allowed and blocked" comes from EntryWarnings with the full key instead.
        var known = before.Warnings.Select(w => w.ToString()).ToHashSet(StringComparer.Ordinal);
        warnings.AddRange(after.Warnings
            .Where(w => !w.Message.Contains("is both allowed and blocked", StringComparison.Ordinal))
            .Select(w => w.ToString()).Where(w => !known.Contains(w)));
        warnings.AddRange(EntryWarnings(policy, list, entry, expectPresent).Where(w => !warnings.Contains(w)));
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            AtomicFile.Write(target, Encoding.UTF8.GetBytes(result.Text));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PolicyEditException(PolicyEditFailure.Io, $"cannot write {target}: {ex.Message}; the file is unchanged", ex);
        }
        return new PolicyEditResult(target, result.Outcome, list, entry, true, policy, warnings, PolicyFileRewriter.Sha256(result.Text));
    }

    /// <summary>
    /// Runs the edit and the validation once on a tiny sample before the lock is taken. The first parse in a
    /// process pays for loading and compiling the parser (a few hundred ms when a tool runs on the JIT); paid here,
    /// the lock is held for milliseconds, and fifty concurrent edits do not queue behind each other's start-up.
    /// </summary>
    private static void Prepare(PolicyList list, Func<string, EnvEdit> edit, string target) =>
        PolicyFileText.Validate(edit($"# sample{Environment.NewLine}{list.KeyName()}={Environment.NewLine}").Text, target);

    /// <summary>Warnings about the entry just edited: a key both allowed and blocked; a block that locks this host out.</summary>
    private static IEnumerable<string> EntryWarnings(SecurityPolicy policy, PolicyList list, string entry, bool adding)
    {
        if (list.HoldsNodeKeys())
        {
            var key = NodeKey.Parse(entry);
            if (policy.AllowedNodeKeys.Contains(key) && policy.BlockedNodeKeys.Contains(key))
            {
                yield return $"node {entry} is both allowed and blocked; the block wins";
            }
        }
        else if (adding)
        {
            foreach (var lockout in LockoutCheck.AddressLockouts(policy))
            {
                yield return lockout;
            }
        }
    }

    private static bool Contains(SecurityPolicy policy, PolicyList list, string entry) => list switch
    {
        PolicyList.AllowedNodeKeys => policy.AllowedNodeKeys.Contains(NodeKey.Parse(entry)),
        PolicyList.BlockedNodeKeys => policy.BlockedNodeKeys.Contains(NodeKey.Parse(entry)),
        _ => policy.BlockedIpEntries.Contains(entry),
    };

    private static PolicyEditException Invalid(string path, PolicyLoadResult before, PolicyLoadResult after)
    {
        var head = before.IsValid
            ? $"the edit would make {path} invalid, so nothing was written:"
            : $"{path} has errors; fix them first (nothing was written):";
        var lines = after.Errors.Select(e => "  " + e);
        return new PolicyEditException(PolicyEditFailure.InvalidPolicy, head + Environment.NewLine + string.Join(Environment.NewLine, lines));
    }

    /// <summary>The file to edit: a symbolic link is followed, so the link stays a link and its target is replaced.</summary>
    internal static string ResolveTarget(string path)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            return target.FullName;
        }
        return full;
    }

    internal static string ReadText(string path)
    {
        var bytes = EnvFileReader.Read(path, out var exists, out var error);
        if (!exists)
        {
            return string.Empty; // a missing file means the defaults; the first edit creates it
        }
        if (bytes is null)
        {
            throw new PolicyEditException(PolicyEditFailure.Io, $"cannot read {path}: {error}");
        }
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new PolicyEditException(PolicyEditFailure.InvalidPolicy, $"{path} is not valid UTF-8 text; nothing was written", ex);
        }
    }
}
