using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Control;

/// <summary>
/// The network keys in force, by fingerprint only (the value never leaves the server), and which key each
/// welcomed session proved.
/// </summary>
public sealed class NetworkKeyInfo
{
    /// <summary>The current key's fingerprint (8 hex digits), or null when no key is set.</summary>
    public string? Fingerprint { get; set; }

    /// <summary>Where the current key comes from, e.g. <c>NETWORK_SECRET_KEY_FILE /etc/p2p/network.key</c>.</summary>
    public string? Source { get; set; }

    /// <summary>The previous key's fingerprint (also accepted in proofs during a rotation), or null.</summary>
    public string? PreviousFingerprint { get; set; }

    public string? PreviousSource { get; set; }

    /// <summary>Welcomed sessions and the fingerprint of the key each proved (the busiest first, at most 1000).</summary>
    public List<SessionKeyInfo> Sessions { get; set; } = [];

    /// <summary>The keys of <paramref name="policy"/>, by fingerprint (no sessions).</summary>
    public static NetworkKeyInfo From(SecurityPolicy policy) => new()
    {
        Fingerprint = policy.NetworkSecretKey.Length > 0 ? policy.NetworkKeyFingerprint : null,
        Source = policy.NetworkSecretKey.Length > 0 ? policy.NetworkKeySource : null,
        PreviousFingerprint = policy.NetworkSecretKeyPrevious.Length > 0 ? policy.NetworkKeyPreviousFingerprint : null,
        PreviousSource = policy.NetworkSecretKeyPrevious.Length > 0 ? policy.NetworkKeyPreviousSource : null,
    };
}
