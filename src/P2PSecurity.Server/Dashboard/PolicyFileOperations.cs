using P2PSecurity.Core.Control;
using P2PSecurity.Core.Editing;
using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Secrets;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Control;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// Whole-file changes from the dashboard: apply a policy file's text, and rotate the network key. Both go the tools'
/// way: validate, preview the impact on the live server (the control channel's <c>check-live</c>), then write under
/// the edit lock, atomically (<see cref="PolicyFileRewriter"/>), and reload through the control channel's handler.
/// A secret written in the file is never shown: pages get <see cref="PolicySecretMask"/>'s text.
/// </summary>
internal sealed class PolicyFileOperations(SecurityManager manager, ControlRequestHandler control)
{
    public const int MinNetworkKeyLength = 16;

    public const int MaxNetworkKeyLength = 1024;

    private PolicyFileRewriter Rewriter => new(manager.PolicyPath, TimeSpan.FromSeconds(10));

    /// <summary>The file as a page may show it (secrets masked), its hash, and what the loader says about it.</summary>
    public PolicyView View()
    {
        var (text, sha) = Rewriter.Read();
        var loaded = PolicyFileText.Validate(text, manager.PolicyPath);
        return new PolicyView
        {
            Path = manager.PolicyPath,
            Text = PolicySecretMask.Mask(text),
            Sha256 = sha,
            Revision = manager.Policy.Revision,
            Diagnostics = [.. loaded.Diagnostics.Select(DiagnosticInfo.From)],
        };
    }

    /// <summary>
    /// A browser sends a textarea's lines ending in CRLF whatever they were (HTML's form encoding); a file written
    /// with LF alone gets its LF back, so that applying an unchanged page changes no byte.
    /// </summary>
    public string FromTextArea(string text) =>
        Rewriter.Read().Text.Contains("\r\n", StringComparison.Ordinal) ? text : text.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>Errors, warnings, changes and the sessions a candidate text would close; nothing is written.</summary>
    public ControlResponse Check(string candidate)
    {
        string text;
        try
        {
            text = PolicySecretMask.Unmask(candidate, Rewriter.Read().Text);
        }
        catch (PolicyEditException ex)
        {
            return ControlResponse.Failure(ControlProtocol.Requests.CheckLive, ControlProtocol.ErrorCodes.InvalidArgument, ex.Message);
        }
        return control.Handle(new ControlRequest { Type = ControlProtocol.Requests.CheckLive, Text = text });
    }

    /// <summary>Writes <paramref name="candidate"/> as the whole file (secrets still masked keep the file's values), then reloads.</summary>
    public EditAnswer Apply(string candidate, string? baseSha256, bool openNetwork) =>
        Write("apply_policy", current => PolicySecretMask.Unmask(candidate, current), baseSha256, openNetwork, entry: null);

    /// <summary>The keys in force, by fingerprint, and which key each welcomed session proved.</summary>
    public NetworkKeyInfo NetworkKey() => control.Handle(ControlRequest.Of(ControlProtocol.Requests.Status)).Status!.NetworkKey;

    /// <summary>
    /// Sets NETWORK_SECRET_KEY in the policy file; with <paramref name="keepPrevious"/> the key in force becomes
    /// NETWORK_SECRET_KEY_PREVIOUS (still accepted while the nodes move over), without it the previous key is dropped.
    /// A preview says what the change would do and writes nothing.
    /// </summary>
    public EditAnswer RotateNetworkKey(string? newKey, string? confirm, bool keepPrevious, bool preview)
    {
        const string Action = "rotate_network_key";
        var revision = manager.Policy.Revision;
        if (ValidateKey(newKey, confirm) is { } problem)
        {
            return EditAnswer.Failed(Action, ControlProtocol.ErrorCodes.InvalidArgument, problem, revision);
        }
        var policy = manager.Policy;
        if (!KeyLivesInPolicyFile(policy))
        {
            return EditAnswer.Failed(Action, ControlProtocol.ErrorCodes.InvalidArgument,
                $"the network key is read from {policy.NetworkKeySource}: write the new key into that file (owner-only) and reload; this page writes only a key kept in the policy file", revision);
        }
        if (SecretFileCheck.SharedMode(manager.PolicyPath) is { } mode)
        {
            return EditAnswer.Failed(Action, ControlProtocol.ErrorCodes.InvalidArgument,
                $"{manager.PolicyPath} has mode {mode}: group or others could read a key written there. Make it owner-only first (chmod 600 {manager.PolicyPath})", revision);
        }
        if (string.Equals(newKey, policy.NetworkSecretKey, StringComparison.Ordinal))
        {
            return EditAnswer.Failed(Action, ControlProtocol.ErrorCodes.InvalidArgument,
                $"that is the key in force already (fingerprint {KeyFingerprint.Of(newKey!)})", revision);
        }
        Func<string, string> edit = text => Rotate(text, newKey!, keepPrevious);
        if (!preview)
        {
            var answer = Write(Action, edit, baseSha256: null, openNetwork: false, entry: KeyFingerprint.Of(newKey!));
            return answer;
        }
        string candidate;
        try
        {
            candidate = edit(Rewriter.Read().Text);
        }
        catch (PolicyEditException ex)
        {
            return EditAnswer.Failed(Action, ControlProtocol.ErrorCodes.InvalidArgument, ex.Message, revision);
        }
        var check = control.Handle(new ControlRequest { Type = ControlProtocol.Requests.CheckLive, Text = candidate }).CheckLive!;
        return new EditAnswer { Ok = check.Valid, Action = Action, Outcome = "preview", Entry = KeyFingerprint.Of(newKey!), Revision = check.LiveRevision, Preview = check };
    }

    /// <summary>Null when the key may be saved; else what is wrong with it, never showing it.</summary>
    internal static string? ValidateKey(string? key, string? confirm)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "type the new network key";
        }
        if (key.Length < MinNetworkKeyLength)
        {
            return $"the key is too short: use at least {MinNetworkKeyLength} random characters (e.g. openssl rand -hex 32)";
        }
        if (key.Length > MaxNetworkKeyLength)
        {
            return $"the key is too long: at most {MaxNetworkKeyLength} characters";
        }
        if (!EnvValueEditor.IsBare(key))
        {
            return "the key must be printable ASCII without spaces, quotes, '#', '$', '`' or '\\' (e.g. openssl rand -hex 32)";
        }
        return confirm is not null && !string.Equals(key, confirm, StringComparison.Ordinal) ? "the two keys typed differ" : null;
    }

    private static bool KeyLivesInPolicyFile(SecurityPolicy policy) =>
        policy.NetworkSecretKey.Length == 0 ||
        policy.NetworkKeySource == PolicyKeys.NetworkSecretKey ||
        policy.NetworkKeySource.StartsWith(PolicyKeys.NetworkSecretKey + " in ", StringComparison.Ordinal);

    private static string Rotate(string text, string newKey, bool keepPrevious)
    {
        var document = EnvFileParser.Parse(text);
        if (document.Last(PolicyKeys.NetworkSecretKeyFile) is { Value.Length: > 0 })
        {
            throw new PolicyEditException(PolicyEditFailure.UnsupportedSyntax,
                $"the file names {PolicyKeys.NetworkSecretKeyFile}: write the new key into that file instead");
        }
        var old = document.Last(PolicyKeys.NetworkSecretKey);
        var edited = text;
        edited = EnvValueEditor.Remove(edited, PolicyKeys.NetworkSecretKeyPreviousFile);
        edited = keepPrevious && old is { Value.Length: > 0 }
            ? EnvValueEditor.SetRaw(edited, PolicyKeys.NetworkSecretKeyPrevious, text.Substring(old.ValueStart, old.ValueLength))
            : EnvValueEditor.Remove(edited, PolicyKeys.NetworkSecretKeyPrevious);
        return EnvValueEditor.Set(edited, PolicyKeys.NetworkSecretKey, newKey);
    }

    private EditAnswer Write(string action, Func<string, string> edit, string? baseSha256, bool openNetwork, string? entry)
    {
        PolicyRewriteResult result;
        try
        {
            result = Rewriter.Rewrite(edit, baseSha256, openNetwork);
        }
        catch (PolicyEditException ex)
        {
            var code = ex.Failure == PolicyEditFailure.Conflict ? "conflict" : ControlProtocol.ErrorCodes.InvalidArgument;
            return EditAnswer.Failed(action, code, ex.Message, manager.Policy.Revision);
        }
        // The same reload the tools ask for; even an unchanged file reloads, so the answer is the revision in force.
        var reload = control.Handle(new ControlRequest
        {
            Type = ControlProtocol.Requests.Reload,
            WrittenSha256 = result.Written ? result.Sha256 : null,
        }).Reload!;
        return new EditAnswer
        {
            Ok = reload.Succeeded,
            Action = action,
            Outcome = result.Written ? "written" : "unchanged",
            Entry = entry,
            Warnings = [.. result.Warnings],
            Revision = reload.Revision,
            Reload = reload,
            Sha256 = result.Sha256,
        };
    }
}
