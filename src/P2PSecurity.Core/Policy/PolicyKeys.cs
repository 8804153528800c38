namespace P2PSecurity.Core.Policy;

/// <summary>The setting names of the policy file. The first group keeps the earlier Python system's names.</summary>
public static class PolicyKeys
{
    public const string EnableSecurity = "ENABLE_P2P_SECURITY";
    public const string RequireNodeAuthentication = "REQUIRE_NODE_AUTHENTICATION";
    public const string NetworkSecretKey = "NETWORK_SECRET_KEY";
    public const string MaxConnectionsPerIp = "MAX_CONNECTIONS_PER_IP";
    public const string ConnectionRateLimit = "CONNECTION_RATE_LIMIT";
    public const string MessageRateLimit = "MESSAGE_RATE_LIMIT";
    public const string AllowedNodeKeys = "ALLOWED_NODE_KEYS";
    public const string BlockedNodeKeys = "BLOCKED_NODE_KEYS";
    public const string BlockedIpAddresses = "BLOCKED_IP_ADDRESSES";
    public const string EnableMessageSigning = "ENABLE_MESSAGE_SIGNING";
    public const string RejectUnsignedMessages = "REJECT_UNSIGNED_MESSAGES";
    public const string LogSecurityEvents = "LOG_SECURITY_EVENTS";
    public const string SecurityLogFile = "SECURITY_LOG_FILE";
    public const string Port = "DEFAULT_P2P_PORT";

    // Added by this server.
    public const string ListenAddress = "LISTEN_ADDRESS";
    public const string HandshakeTimeout = "HANDSHAKE_TIMEOUT";
    public const string MaxFrameSize = "MAX_FRAME_SIZE";
    public const string FrameTimeout = "FRAME_TIMEOUT";
    public const string NodeIdentityFile = "NODE_IDENTITY_FILE";
    public const string EvictOnPolicyChange = "EVICT_ON_POLICY_CHANGE";
    public const string ControlSocket = "CONTROL_SOCKET";
    public const string BootstrapAddresses = "BOOTSTRAP_ADDRESSES";
    public const string BroadcastMaxAge = "BROADCAST_MAX_AGE";
    public const string Lockdown = "LOCKDOWN";
    public const string DashboardAddress = "DASHBOARD_ADDRESS";
    public const string DashboardCertFile = "DASHBOARD_CERT_FILE";
    public const string MetricsAddress = "METRICS_ADDRESS";
    public const string NetworkSecretKeyFile = "NETWORK_SECRET_KEY_FILE";
    public const string NetworkSecretKeyPrevious = "NETWORK_SECRET_KEY_PREVIOUS";
    public const string NetworkSecretKeyPreviousFile = "NETWORK_SECRET_KEY_PREVIOUS_FILE";
    public const string SecurityOffAck = "SECURITY_OFF_ACK";
    public const string Ipv6LimitPrefix = "IPV6_LIMIT_PREFIX";
    public const string MaxConnections = "MAX_CONNECTIONS";
    public const string MaxPendingHandshakes = "MAX_PENDING_HANDSHAKES";

    // Bans (the state database).
    public const string StateDatabase = "STATE_DATABASE";
    public const string MaxBans = "MAX_BANS";
    public const string AutoBan = "AUTO_BAN";
    public const string AutoBanThreshold = "AUTO_BAN_THRESHOLD";
    public const string AutoBanWindow = "AUTO_BAN_WINDOW";
    public const string AutoBanDuration = "AUTO_BAN_DURATION";
    public const string AutoBanFactor = "AUTO_BAN_FACTOR";
    public const string AutoBanMaxDuration = "AUTO_BAN_MAX_DURATION";
    public const string AutoBanExempt = "AUTO_BAN_EXEMPT";

    // The fleet (issue 14): decisions shared through Redis.
    public const string FleetRedis = "FLEET_REDIS";
    public const string FleetRedisPasswordFile = "FLEET_REDIS_PASSWORD_FILE";
    public const string FleetName = "FLEET_NAME";
    public const string FleetOperatorKeys = "FLEET_OPERATOR_KEYS";
    public const string FleetOperatorIdentity = "FLEET_OPERATOR_IDENTITY";

    /// <summary>Every key the policy reads.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        EnableSecurity, RequireNodeAuthentication, NetworkSecretKey, MaxConnectionsPerIp, ConnectionRateLimit,
        MessageRateLimit, AllowedNodeKeys, BlockedNodeKeys, BlockedIpAddresses, EnableMessageSigning,
        RejectUnsignedMessages, LogSecurityEvents, SecurityLogFile, Port, ListenAddress, HandshakeTimeout,
        MaxFrameSize, FrameTimeout, NodeIdentityFile, EvictOnPolicyChange, ControlSocket, BootstrapAddresses,
        BroadcastMaxAge,
        Lockdown, DashboardAddress, DashboardCertFile, MetricsAddress,
        NetworkSecretKeyFile, NetworkSecretKeyPrevious, NetworkSecretKeyPreviousFile, SecurityOffAck,
        Ipv6LimitPrefix, MaxConnections, MaxPendingHandshakes,
        StateDatabase, MaxBans, AutoBan, AutoBanThreshold, AutoBanWindow, AutoBanDuration, AutoBanFactor,
        AutoBanMaxDuration, AutoBanExempt,
        FleetRedis, FleetRedisPasswordFile, FleetName, FleetOperatorKeys, FleetOperatorIdentity,
    ];

    /// <summary>Keys that only take effect when the server starts; a reload that changes them says so. (FLEET_* take effect on a reload: the fleet re-connects.)</summary>
    public static IReadOnlySet<string> RestartOnly { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Port, ListenAddress, SecurityLogFile, NodeIdentityFile, ControlSocket, BootstrapAddresses,
        DashboardAddress, DashboardCertFile, MetricsAddress,
        StateDatabase,
    };
}
