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
/// <param name="writeFile">Writes a file atomically (path, bytes, is a secret file) for a key-file rotation; null: <see cref="AtomicFile"/>. A seam for the failure tests.</param>
internal sealed class PolicyFileOperations(SecurityManager manager, ControlRequestHandler control, Action<string, byte[], bool>? writeFile = null)
{
    public const int MinNetworkKeyLength = 16;

    public const int MaxNetworkKeyLength = 1024;

    /// <summary>How <c>NETWORK_SECRET_KEY</c>'s source reads when the key is the systemd credential (see NetworkKeyReader).</summary>
    private const string CredentialSource = "systemd credential ";

    private PolicyFileRewriter Rewriter => new(manager.PolicyPath, TimeSpan.FromSeconds(10));

    private NetworkKeyFileRotation KeyFiles => new(manager.PolicyPath, TimeSpan.FromSeconds(10), writeFile);

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
    /// Rotates the network key where it lives. Kept in the policy file: sets NETWORK_SECRET_KEY there; with
    /// <paramref name="keepPrevious"/> the key in force becomes NETWORK_SECRET_KEY_PREVIOUS (still accepted while the
    /// nodes move over), without it the previous key is dropped. Kept in NETWORK_SECRET_KEY_FILE: the new key goes into
    /// that file and the old one, kept, into its <c>.previous</c> (see <see cref="NetworkKeyFileRotation"/>). A systemd
    /// credential is read-only: refused, saying how to rotate it. A preview says what the change would do and writes nothing.
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
        if (policy.NetworkKeySource.StartsWith(CredentialSource, StringComparison.Ordinal))
        {
            return EditAnswer.Failed(Action, ControlProtocol.ErrorCodes.InvalidArgument, CredentialRefusal(policy.NetworkKeySource[CredentialSource.Length..]), revision);
        }
        if (string.Equals(newKey, policy.NetworkSecretKey, StringComparison.Ordinal))
        {
            return EditAnswer.Failed(Action, ControlProtocol.ErrorCodes.InvalidArgument,
                $"that is the key in force already (fingerprint {KeyFingerprint.Of(newKey!)})", revision);
        }
        string current;
        try
        {
            current = Rewriter.Read().Text;
        }
        catch (PolicyEditException ex)
        {
            return EditAnswer.Failed(Action, ControlProtocol.ErrorCodes.InvalidArgument, ex.Message, revision);
        }
        if (KeyFiles.KeyFile(current) is not null)
        {
            return RotateKeyFile(Action, newKey!, keepPrevious, preview);
        }
        if (!KeyLivesInPolicyFile(policy))
        {
            return EditAnswer.Failed(Action, ControlProtocol.ErrorCodes.InvalidArgument,
                $"the network key in force is read from {policy.NetworkKeySource}, which {manager.PolicyPath} no longer names: reload first (reload_security reload), then rotate", revision);
        }
        if (SecretFileCheck.SharedMode(manager.PolicyPath) is { } mode)
        {
            return EditAnswer.Failed(Action, ControlProtocol.ErrorCodes.InvalidArgument,
                $"{manager.PolicyPath} has mode {mode}: group or others could read a key written there. Make it owner-only first (chmod 600 {manager.PolicyPath}), or keep the key in a file of its own (NETWORK_SECRET_KEY_FILE)", revision);
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
            candidate = edit(current);
        }
        catch (PolicyEditException ex)
        {
            return EditAnswer.Failed(Action, ControlProtocol.ErrorCodes.InvalidArgument, ex.Message, revision);
        }
        var check = control.Handle(new ControlRequest { Type = ControlProtocol.Requests.CheckLive, Text = candidate }).CheckLive!;
        return new EditAnswer { Ok = check.Valid, Action = Action, Outcome = "preview", Entry = KeyFingerprint.Of(newKey!), Revision = check.LiveRevision, Preview = check };
    }

    /// <summary>
    /// The key in NETWORK_SECRET_KEY_FILE. The preview is check-live of the policy file as it would be, with the key
    /// files' new contents given in memory: nothing is written before Save.
    /// </summary>
    private EditAnswer RotateKeyFile(string action, string newKey, bool keepPrevious, bool preview)
    {
        var fingerprint = KeyFingerprint.Of(newKey);
        var rotation = KeyFiles;
        if (preview)
        {
            NetworkKeyFilePlan plan;
            try
            {
                plan = rotation.Plan(Rewriter.Read().Text, newKey, keepPrevious);
            }
            catch (PolicyEditException ex)
            {
                return EditAnswer.Failed(action, CodeOf(ex), ex.Message, manager.Policy.Revision);
            }
            var check = control.CheckLive(plan.PolicyText, plan.Secrets).CheckLive!;
            return new EditAnswer { Ok = check.Valid, Action = action, Outcome = "preview", Entry = fingerprint, Revision = check.LiveRevision, Preview = check };
        }
        NetworkKeyFileRotationResult result;
        try
        {
            result = rotation.Rotate(newKey, keepPrevious, plan =>
                [.. PolicyLoader.Load(plan.PolicyText, manager.PolicyPath, PolicyFileText.NotHashed,
                    PolicyLoadContext.FromEnvironment() with { CandidateSecrets = plan.Secrets }).Errors.Select(e => e.ToString())]);
        }
        catch (PolicyEditException ex)
        {
            return EditAnswer.Failed(action, CodeOf(ex), ex.Message, manager.Policy.Revision);
        }
        // The policy file's hash after the rotation even when only the key file changed: the poll may have applied
        // the new key first (it watches the key file too), and then that reload, with its closed sessions, is the answer.
        var reload = control.Handle(new ControlRequest
        {
            Type = ControlProtocol.Requests.Reload,
            WrittenSha256 = result.PolicySha256,
        }).Reload!;
        return new EditAnswer
        {
            Ok = reload.Succeeded,
            Action = action,
            Outcome = "written",
            Entry = fingerprint,
            Warnings = [.. result.Warnings],
            Revision = reload.Revision,
            Reload = reload,
            Sha256 = result.PolicySha256,
        };
    }

    private static string CodeOf(PolicyEditException ex) =>
        ex.Failure == PolicyEditFailure.Io ? ControlProtocol.ErrorCodes.InternalError : ControlProtocol.ErrorCodes.InvalidArgument;

    private static string CredentialRefusal(string path) =>
        $"the network key is the systemd credential {path}, which systemd hands to the server read-only at start, so this page cannot change it. " +
        $"To rotate: encrypt the new key as the credential (systemd-creds encrypt --name={PolicyLoadContext.NetworkKeyCredential} new.key /etc/credstore.encrypted/{PolicyLoadContext.NetworkKeyCredential}, " +
        "or replace the file LoadCredential= names), then restart the service (systemctl restart p2psecurity). " +
        "To keep the old key accepted while the nodes move over, name a file holding it in NETWORK_SECRET_KEY_PREVIOUS_FILE before the restart";

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
