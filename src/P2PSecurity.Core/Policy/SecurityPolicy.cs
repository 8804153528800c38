namespace P2PSecurity.Core.Policy;

/// <summary>
/// What the policy file says, as one immutable snapshot. A decision reads one snapshot from start to end, so it
/// never sees half of a reload; a reload builds a new snapshot and swaps it in whole.
/// </summary>
public sealed record SecurityPolicy
{
    /// <summary>Increases by one with every policy that is put in force; 1 is the first.</summary>
    public long Revision { get; init; }

    /// <summary>The file this policy came from, or null for the embedded defaults.</summary>
    public string? SourcePath { get; init; }

    /// <summary>SHA-256 of the file's bytes (hex), empty for the embedded defaults.</summary>
    public string ContentHash { get; init; } = string.Empty;

    public bool Enabled { get; init; } = true;
    public bool RequireNodeAuthentication { get; init; } = true;

    /// <summary>Optional pre-shared network key. Never logged; <see cref="ToString"/> masks it.</summary>
    public string NetworkSecretKey { get; init; } = string.Empty;

    /// <summary>
    /// A second key also accepted in a peer's proof while a network moves to a new key (NETWORK_SECRET_KEY_PREVIOUS);
    /// this node proves with <see cref="NetworkSecretKey"/>. Never logged.
    /// </summary>
    public string NetworkSecretKeyPrevious { get; init; } = string.Empty;

    /// <summary>Where the network key came from, e.g. <c>NETWORK_SECRET_KEY_FILE /etc/p2p/key</c>; empty when none is set.</summary>
    public string NetworkKeySource { get; init; } = string.Empty;

    /// <summary>Where the previous key came from; empty when none is set.</summary>
    public string NetworkKeyPreviousSource { get; init; } = string.Empty;

    /// <summary>Files the keys are read from (full paths), watched like the policy file itself.</summary>
    public IReadOnlyList<string> SecretFiles { get; init; } = [];

    /// <summary>The network key's fingerprint (<see cref="Secrets.KeyFingerprint"/>), the only form in which it is shown.</summary>
    public string NetworkKeyFingerprint => Secrets.KeyFingerprint.Of(NetworkSecretKey);

    /// <summary>The previous key's fingerprint, or <c>none</c>.</summary>
    public string NetworkKeyPreviousFingerprint => Secrets.KeyFingerprint.Of(NetworkSecretKeyPrevious);

    public int MaxConnectionsPerIp { get; init; } = 3;
    public RateLimit ConnectionRateLimit { get; init; } = new(10, TimeSpan.FromMinutes(1));
    public RateLimit MessageRateLimit { get; init; } = new(100, TimeSpan.FromMinutes(1));

    /// <summary>ALLOWED_NODE_KEYS (see <see cref="NodeKeySet"/>: a reload that changed a few keys patches the set).</summary>
    public NodeKeySet AllowedNodeKeys { get; init; } = NodeKeySet.Empty;

    /// <summary>BLOCKED_NODE_KEYS.</summary>
    public NodeKeySet BlockedNodeKeys { get; init; } = NodeKeySet.Empty;

    /// <summary>
    /// The block list as written, in canonical form, for diffs, status and the editor; decisions use
    /// <see cref="BlockedIps"/>. A read-only view of the set the loader built: a frozen copy would cost a fifth of
    /// a 100,000-entry reload for look-ups that are not on any hot path.
    /// </summary>
    public IReadOnlySet<string> BlockedIpEntries { get; init; } = System.Collections.ObjectModel.ReadOnlySet<string>.Empty;

    /// <summary>The block list merged into ranges, for decisions.</summary>
    public IpRangeSet BlockedIps { get; init; } = IpRangeSet.Empty;

    public bool EnableMessageSigning { get; init; }
    public bool RejectUnsignedMessages { get; init; }
    public bool LogSecurityEvents { get; init; } = true;
    public string SecurityLogFile { get; init; } = "security.log";
    public int Port { get; init; } = 9828;

    /// <summary>"::" listens on every IPv4 and IPv6 address (dual-stack).</summary>
    public string ListenAddress { get; init; } = "::";

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public int MaxFrameSize { get; init; } = 1024 * 1024;

    /// <summary>How long a peer may take to finish a frame once its first byte arrived (before and after the welcome).</summary>
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A timestamped (version 2) broadcast older than this is dropped, and ids of relayed broadcasts are remembered
    /// for this long, so a captured broadcast can never be replayed: too old, or its id is still remembered.
    /// </summary>
    public TimeSpan BroadcastMaxAge { get; init; } = TimeSpan.FromMinutes(10);
    public string NodeIdentityFile { get; init; } = "node_identity.pem";
    public bool EvictOnPolicyChange { get; init; } = true;
    public string ControlSocket { get; init; } = "p2psecurity.sock";
    public IReadOnlyList<BootstrapPeer> BootstrapAddresses { get; init; } = [];

    /// <summary>LOCKDOWN=true: the kill switch from the file (every new connection refused, sessions closed).</summary>
    public bool Lockdown { get; init; }
    /// <summary>Where the dashboard listens (DASHBOARD_ADDRESS); null when off.</summary>
    public WebListenAddress? DashboardAddress { get; init; } = WebListenAddress.DashboardDefault;

    /// <summary>The dashboard's TLS certificate and key (PEM); empty for a self-signed one when TLS is needed.</summary>
    public string DashboardCertFile { get; init; } = "";

    /// <summary>Where /metrics is served (METRICS_ADDRESS); null when off, the default.</summary>
    public WebListenAddress? MetricsAddress { get; init; }
    /// <summary>
    /// The per-address limits (connections, connection rate, message rate) count an IPv6 peer by this prefix, not by
    /// its single address: one home /64 is one peer. IPv4 (and IPv4-mapped IPv6) is counted per address.
    /// </summary>
    public int Ipv6LimitPrefix { get; init; } = 64;

    /// <summary>All inbound connections at once, welcomed or not.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Inbound connections past the accept gate that have not been welcomed yet.</summary>
    public int MaxPendingHandshakes { get; init; } = 1_000;

    /// <summary>STATE_DATABASE: the SQLite file of bans and strike history (read at start).</summary>
    public string StateDatabase { get; init; } = "p2psecurity.db";

    /// <summary>AUTO_BAN_* and MAX_BANS.</summary>
    public Bans.AutoBanSettings AutoBan { get; init; } = Bans.AutoBanSettings.Defaults;

    /// <summary>FLEET_*: the fleet this node follows (read at start); null when FLEET_REDIS is not set.</summary>
    public Fleet.FleetSettings? Fleet { get; init; }

    /// <summary>Whitelist mode: only the listed keys may connect.</summary>
    public bool WhitelistMode => AllowedNodeKeys.Count > 0;

    /// <summary>The built-in policy used when no file exists.</summary>
    public static SecurityPolicy Defaults { get; } = new();

    /// <summary>
    /// Resolves a path setting: relative paths are relative to the policy file's folder (the working folder for
    /// the embedded defaults), so a profile's files stay together wherever the server is started from.
    /// </summary>
    public string ResolvePath(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }
        var baseDir = SourcePath is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(SourcePath))!;
        return Path.GetFullPath(Path.Combine(baseDir, path));
    }

    /// <summary>"open", or "whitelist (N keys)".</summary>
    public string ModeDescription => !Enabled
        ? "DISABLED (every gate open)"
        : WhitelistMode ? $"whitelist ({AllowedNodeKeys.Count} allowed keys)" : "open (any authenticated node)";

    /// <inheritdoc/>
    public override string ToString() =>
        $"policy r{Revision}: {ModeDescription}, {BlockedNodeKeys.Count} blocked keys, {BlockedIpEntries.Count} blocked IP entries, " +
        $"network key {(NetworkSecretKey.Length == 0 ? "off" : "fingerprint " + NetworkKeyFingerprint)}";
}
