using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

public sealed partial class SecurityManager
{
    /// <summary>
    /// Whether the TLS layer must refuse a peer that presents no certificate: the same rule as the node gate
    /// (REQUIRE_NODE_AUTHENTICATION, or whitelist mode, while security is enabled), asked earlier.
    /// </summary>
    public bool ClientCertificateRequired
    {
        get
        {
            var view = View;
            var policy = view.File;
            return (policy.Enabled && (policy.RequireNodeAuthentication || policy.WhitelistMode)) || LockdownNow(view).Active;
        }
    }

    /// <summary>Whether peers must prove they know NETWORK_SECRET_KEY.</summary>
    public bool NetworkKeyProofRequired => Policy.NetworkSecretKey.Length > 0;

    /// <summary>
    /// This node's answer to a peer's challenge (HMAC over the challenge and both keys, see
    /// <see cref="NetworkKeyProof"/>), or null when no network key is set. The secret never leaves the manager.
    /// </summary>
    public byte[]? ProveNetworkKey(ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server) => ProveNetworkKey(challenge, client, server, null);

    /// <summary>
    /// As above, answering with the key whose fingerprint the peer proved (a server's Welcome to a peer that proved
    /// the previous key proves the previous key too, so that a node not yet moved to the new key can check it);
    /// otherwise with the current key.
    /// </summary>
    public byte[]? ProveNetworkKey(ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server, string? peerFingerprint) =>
        ProveNetworkKey(Policy, challenge, client, server, peerFingerprint);

    private static byte[]? ProveNetworkKey(SecurityPolicy policy, ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server, string? peerFingerprint)
    {
        var secret = policy.NetworkSecretKeyPrevious.Length > 0 && peerFingerprint is not null && peerFingerprint == policy.NetworkKeyPreviousFingerprint
            ? policy.NetworkSecretKeyPrevious
            : policy.NetworkSecretKey;
        return secret.Length == 0 || challenge.Length != NetworkKeyProof.ChallengeSize
            ? null
            : NetworkKeyProof.Compute(secret, challenge, client, server);
    }

    /// <summary>
    /// For a connection whose eviction callback was registered just now: a reload that ran between its accept and
    /// the registration found no callback to call, so ask again. Refuses only when the policy in force refuses this
    /// live connection and EVICT_ON_POLICY_CHANGE is on, when the lockdown closes it, or when the manager already
    /// closed it (a pending handshake pushed out by MAX_PENDING_HANDSHAKES).
    /// </summary>
    public SecurityDecision EvaluateEviction(ConnectionSlot slot) => Gate.Live(slot);

    private SecurityDecision LiveStage(ConnectionSlot slot)
    {
        if (slot.ForcedReason is var forced and not DenyReason.None)
        {
            return SecurityDecision.Deny(forced); // pushed out before its transport was ready to be told
        }
        var view = View;
        if (EvaluateBannedNow(view, slot) is { Allowed: false } banned)
        {
            return banned;
        }
        return LiveVerdict(slot, view.File, LockdownNow(view));
    }
}
