namespace P2PSecurity.Core.Policy;

/// <summary>
/// What a policy load needs from outside the file: where systemd put the service's credentials. A parameter, not
/// a read of the process environment inside the loader, so that tests choose it.
/// </summary>
public sealed record PolicyLoadContext
{
    /// <summary>The systemd credential holding the network key, inside <see cref="CredentialsDirectory"/>.</summary>
    public const string NetworkKeyCredential = "network_secret_key";

    /// <summary><c>$CREDENTIALS_DIRECTORY</c> (set by systemd for <c>LoadCredential=</c>), or null.</summary>
    public string? CredentialsDirectory { get; init; }

    /// <summary>
    /// Secret files' contents to use instead of reading them (full path to secret): what a network-key rotation is
    /// about to write, so that its validation and its preview judge the new keys before anything is on disk. A file
    /// given here is not read, so its owner and mode are not judged either: the writer makes it owner-only.
    /// </summary>
    public IReadOnlyDictionary<string, string> CandidateSecrets { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>No credentials directory.</summary>
    public static PolicyLoadContext None { get; } = new();

    /// <summary>The running process's <c>$CREDENTIALS_DIRECTORY</c>.</summary>
    public static PolicyLoadContext FromEnvironment() =>
        Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } dir ? new() { CredentialsDirectory = dir } : None;

    /// <summary>Where the network key's credential would be, or null without a credentials directory.</summary>
    public string? NetworkKeyCredentialPath =>
        CredentialsDirectory is null ? null : Path.GetFullPath(Path.Combine(CredentialsDirectory, NetworkKeyCredential));
}
