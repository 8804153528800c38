namespace P2PSecurity.Core.Control;

/// <summary>The live server's view: what is in force and what is happening, not what the file says.</summary>
public sealed class StatusInfo
{
    public ServerInfo Server { get; set; } = new();

    /// <summary>The kill switch: shown first by <c>reload_security status</c>.</summary>
    public LockdownInfo Lockdown { get; set; } = new();

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The policy file the server watches.</summary>
    public string PolicyPath { get; set; } = string.Empty;

    public long PolicyRevision { get; set; }

    /// <summary>When the revision in force was put in force.</summary>
    public DateTimeOffset PolicyLoadedAt { get; set; }

    /// <summary>The last reload that did something or failed (an unchanged check is not recorded).</summary>
    public ReloadInfo LastReload { get; set; } = new();

    /// <summary>The policy file is empty and the last good policy is kept (reload with accept_empty to apply it).</summary>
    public bool PolicyFileEmpty { get; set; }

    public bool SecurityEnabled { get; set; }

    /// <summary>"open", "whitelist" or "disabled".</summary>
    public string Mode { get; set; } = string.Empty;

    /// <summary>The mode in words, e.g. "whitelist (3 allowed keys)".</summary>
    public string ModeDescription { get; set; } = string.Empty;

    public int AllowedNodeKeys { get; set; }

    public int BlockedNodeKeys { get; set; }

    public int BlockedIpEntries { get; set; }

    public int LiveConnections { get; set; }

    public int AuthenticatedConnections { get; set; }

    /// <summary>Inbound connections past the accept gate not welcomed yet (what MAX_PENDING_HANDSHAKES bounds).</summary>
    public int PendingHandshakes { get; set; }

    /// <summary>Live connections this server dialled (BOOTSTRAP_ADDRESSES), included in <see cref="LiveConnections"/>.</summary>
    public int OutboundConnections { get; set; }

    /// <summary>Live connections per authenticated node key (connections still in the handshake are not listed).</summary>
    public List<NameCount> ConnectionsByNode { get; set; } = [];

    /// <summary>Live connections per remote address.</summary>
    public List<NameCount> ConnectionsByIp { get; set; } = [];

    /// <summary>Refusals since start by reason code (<c>ip_blocked</c>, <c>node_not_allowed</c>, ...).</summary>
    public Dictionary<string, long> RefusalsByReason { get; set; } = [];

    public LimitsInfo Limits { get; set; } = new();

    /// <summary>The network keys in force, by fingerprint, and which key each session proved.</summary>
    public NetworkKeyInfo NetworkKey { get; set; } = new();

    /// <summary>Active bans by source; absent when the server keeps no bans.</summary>
    public BanCountsInfo? Bans { get; set; }

    /// <summary>The fleet (FLEET_REDIS); absent when this node is in none.</summary>
    public FleetInfo? Fleet { get; set; }
}
