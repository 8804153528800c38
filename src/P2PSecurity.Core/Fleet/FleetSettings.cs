using System.Collections.Frozen;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Fleet;

/// <summary>
/// FLEET_*: where the fleet's hub is and whom to believe. Null in the policy when FLEET_REDIS is not set (the
/// default: a single node needs none of this). Read at start.
/// </summary>
public sealed record FleetSettings
{
    public const string DefaultName = "default";

    /// <summary>The hub's host (a name, an IPv4 address or an IPv6 address without brackets).</summary>
    public required string Host { get; init; }

    public int Port { get; init; } = 6379;

    /// <summary>The Redis database number (<c>/db</c> in the URL).</summary>
    public int Database { get; init; }

    /// <summary>The Redis ACL user, or null for the default user.</summary>
    public string? User { get; init; }

    /// <summary>The Redis password (FLEET_REDIS_PASSWORD_FILE or the systemd credential), empty for none. Never logged or shown.</summary>
    public string Password { get; init; } = string.Empty;

    /// <summary>Where the password came from, e.g. <c>FLEET_REDIS_PASSWORD_FILE /etc/p2p/redis.pw</c>; empty for none.</summary>
    public string PasswordSource { get; init; } = string.Empty;

    /// <summary>FLEET_NAME: one stream and one snapshot per fleet, and the name is signed into every decision.</summary>
    public string Name { get; init; } = DefaultName;

    /// <summary>FLEET_OPERATOR_KEYS: the node keys whose signatures this node applies.</summary>
    public FrozenSet<NodeKey> OperatorKeys { get; init; } = FrozenSet<NodeKey>.Empty;

    /// <summary>FLEET_OPERATOR_IDENTITY: the identity file the tools' decisions are signed with (default: NODE_IDENTITY_FILE).</summary>
    public string OperatorIdentityFile { get; init; } = string.Empty;

    /// <summary>The hub as shown in status and logs: <c>redis://host:port/db</c>, with no password.</summary>
    public string Display => $"redis://{(User is null ? "" : User + "@")}{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}/{Database}";

    /// <summary>The stream's key in Redis.</summary>
    public string StreamKey => $"p2psecurity:fleet:{Name}:decisions";

    /// <summary>The snapshot's key in Redis.</summary>
    public string SnapshotKey => $"p2psecurity:fleet:{Name}:snapshot";

    /// <inheritdoc/>
    public override string ToString() => $"fleet {Name} at {Display}, {OperatorKeys.Count} operator keys";
}
