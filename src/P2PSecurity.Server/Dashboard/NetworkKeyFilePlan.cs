namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// What a key-file rotation writes: the policy file's new text, and the secret files' new contents (path to key). A
/// class, not a record: a record's ToString would print the keys.
/// </summary>
internal sealed class NetworkKeyFilePlan(
    string keyFile, string previousFile, string? oldKey, string policyText, IReadOnlyDictionary<string, string> secrets, bool keepPrevious)
{
    /// <summary>P, the file NETWORK_SECRET_KEY_FILE names.</summary>
    public string KeyFile { get; } = keyFile;

    /// <summary>P.previous, where a kept key goes.</summary>
    public string PreviousFile { get; } = previousFile;

    /// <summary>The key P holds now, or null when it cannot be read.</summary>
    public string? OldKey { get; } = oldKey;

    public string PolicyText { get; } = policyText;

    /// <summary>The secret files as they will be: what the validation and the preview read instead of the disk.</summary>
    public IReadOnlyDictionary<string, string> Secrets { get; } = secrets;

    public bool KeepPrevious { get; } = keepPrevious;

    public override string ToString() => $"rotation of {KeyFile}";
}
