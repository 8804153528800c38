namespace P2PSecurity.Core.Control;

/// <summary>The fleet as this node sees it (status, <c>fleet</c> requests); absent when FLEET_REDIS is not set.</summary>
public sealed class FleetInfo
{
    /// <summary>FLEET_NAME.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The hub, <c>redis://host:port/db</c> (never a password).</summary>
    public string Hub { get; set; } = string.Empty;

    public bool Connected { get; set; }

    /// <summary>The last stream entry applied: the fleet state in force covers every decision up to it.</summary>
    public string LastAppliedId { get; set; } = string.Empty;

    /// <summary>Seconds since this node last knew it had everything the hub had (0 while following live).</summary>
    public double LagSeconds { get; set; }

    /// <summary>Fleet decisions in force (blocks, bans not expired, allows).</summary>
    public int DecisionsInForce { get; set; }

    /// <summary>Entries and snapshots ignored: not signed by an operator key, tampered, replayed, unreadable.</summary>
    public long SignaturesRejected { get; set; }

    /// <summary>16 hex digits of SHA-256 over the decisions in force (sorted text): equal on two nodes that agree exactly.</summary>
    public string? StateDigest { get; set; }

    public long Applied { get; set; }

    /// <summary>Entries delivered twice (a reconnect's overlap) and skipped.</summary>
    public long Duplicates { get; set; }

    /// <summary>Entries applied after missing predecessors that no snapshot covered (0 when nothing was lost).</summary>
    public long Gaps { get; set; }

    public long SnapshotsLoaded { get; set; }

    public int OperatorKeys { get; set; }

    /// <summary>The key decisions from this node are signed with (FLEET_OPERATOR_IDENTITY), short form; null when it has none.</summary>
    public string? SigningKey { get; set; }

    /// <summary>True when that key is in FLEET_OPERATOR_KEYS: this node's tools can publish.</summary>
    public bool CanPublish { get; set; }

    /// <summary>A publish: the decision's text and its stream id (its revision).</summary>
    public string? Published { get; set; }

    public string? PublishedId { get; set; }

    /// <summary>A compaction: the id the new snapshot covers (null when the hub held one as new).</summary>
    public string? SnapshotCovers { get; set; }
}
