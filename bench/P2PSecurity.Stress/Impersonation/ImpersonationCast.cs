using P2PSecurity.Core.Identity;

namespace P2PSecurity.Stress.Impersonation;

/// <summary>The identities the attacks play with, and how the harness .env writes each one's key.</summary>
internal sealed class ImpersonationCast : IDisposable
{
    /// <summary>An allowed node (written in upper case in the .env): the one attackers try to be.</summary>
    public NodeIdentity Victim { get; } = NodeIdentity.Create();

    /// <summary>An allowed node written with ':' separators.</summary>
    public NodeIdentity Colons { get; } = NodeIdentity.Create();

    /// <summary>An allowed node written with a <c>sha256:</c> prefix in mixed case.</summary>
    public NodeIdentity Prefixed { get; } = NodeIdentity.Create();

    /// <summary>Allowed in lower case but blocked in upper case with ':' separators: the block must win.</summary>
    public NodeIdentity BlockedColons { get; } = NodeIdentity.Create();

    /// <summary>Allowed in lower case but blocked as <c>SHA256:</c> and upper case.</summary>
    public NodeIdentity BlockedPrefixed { get; } = NodeIdentity.Create();

    /// <summary>The attacker's own identity: not in any list.</summary>
    public NodeIdentity Attacker { get; } = NodeIdentity.Create();

    /// <summary>
    /// The policy: every key in a different spelling, IPv4 blocks written both ways, a network secret, and later
    /// empty assignments to near-miss setting names that must not clear the block lists.
    /// </summary>
    public string Env(string secret) =>
        "# impersonation harness\n" +
        "LOG_SECURITY_EVENTS=true\nSECURITY_LOG_FILE=security.log\n" +
        $"NETWORK_SECRET_KEY={secret}\n" +
        "MAX_CONNECTIONS_PER_IP=10\nCONNECTION_RATE_LIMIT=1000/min\n" +
        "ALLOWED_NODE_KEYS=\"" + Victim.NodeKey.ToString().ToUpperInvariant() + ",\n" +
        "  " + WithColons(Colons.NodeKey.ToString()) + "\n" +
        "  sha256:" + MixedCase(Prefixed.NodeKey.ToString()) + "\n" +
        "  " + BlockedColons.NodeKey + "," + BlockedPrefixed.NodeKey + "\"\n" +
        "BLOCKED_NODE_KEYS=" + WithColons(BlockedColons.NodeKey.ToString()).ToUpperInvariant() +
        " SHA256:" + BlockedPrefixed.NodeKey.ToString().ToUpperInvariant() + "\n" +
        "BLOCKED_IP_ADDRESSES=127.77.0.1, 127.78.0.0/16, ::ffff:127.79.0.1, ::FFFF:127.80.0.0/112\n" +
        // Setting names in another case or with other separators are not settings: they must clear nothing.
        "blocked_node_keys=\n" +
        "BLOCKED-IP-ADDRESSES=\n";

    /// <summary>The near-miss setting names <see cref="Env"/> writes, each of which the server must warn about.</summary>
    public static IReadOnlyList<(string Written, string Meant)> NearMissSettings { get; } =
        [("blocked_node_keys", "BLOCKED_NODE_KEYS"), ("BLOCKED-IP-ADDRESSES", "BLOCKED_IP_ADDRESSES")];

    public void Dispose()
    {
        Victim.Dispose();
        Colons.Dispose();
        Prefixed.Dispose();
        BlockedColons.Dispose();
        BlockedPrefixed.Dispose();
        Attacker.Dispose();
    }

    /// <summary>"ab:cd:ef:..." as fingerprints are often printed.</summary>
    private static string WithColons(string hex) => string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));

    private static string MixedCase(string hex) => string.Concat(hex.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c));
}
