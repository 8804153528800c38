namespace P2PSecurity.Core.Control;

/// <summary>The limits and switches in force.</summary>
public sealed class LimitsInfo
{
    public bool RequireNodeAuthentication { get; set; }

    /// <summary>Whether NETWORK_SECRET_KEY is set; its value never leaves the server.</summary>
    public bool NetworkKeySet { get; set; }

    public int MaxConnectionsPerIp { get; set; }

    /// <summary>IPV6_LIMIT_PREFIX: the per-address limits count an IPv6 peer by its network of this many bits.</summary>
    public int Ipv6LimitPrefix { get; set; }

    /// <summary>MAX_CONNECTIONS: all inbound connections at once.</summary>
    public int MaxConnections { get; set; }

    /// <summary>MAX_PENDING_HANDSHAKES: inbound connections not welcomed yet.</summary>
    public int MaxPendingHandshakes { get; set; }

    /// <summary>e.g. <c>10/min</c>.</summary>
    public string ConnectionRateLimit { get; set; } = string.Empty;

    public string MessageRateLimit { get; set; } = string.Empty;

    public double HandshakeTimeoutSeconds { get; set; }

    public int MaxFrameSize { get; set; }

    public double FrameTimeoutSeconds { get; set; }

    public bool EnableMessageSigning { get; set; }

    public bool RejectUnsignedMessages { get; set; }

    public bool EvictOnPolicyChange { get; set; }
}
