namespace P2PSecurity.Core.Security;

/// <summary>Why a connection or message was refused. The numeric values are sent on the wire; never renumber.</summary>
public enum DenyReason : byte
{
    None = 0,

    // At accept, from the IP alone, before any TLS byte.
    IpBlocked = 1,
    TooManyConnectionsFromIp = 2,
    ConnectionRateExceeded = 3,
    IpBanned = 4,
    TooManyConnections = 6,
    PendingHandshakeEvicted = 7,

    // The kill switch (reload_security lockdown, LOCKDOWN=true): before TLS, or at the node gate with --allow-trusted.
    Lockdown = 5,

    // After authentication.
    AuthenticationRequired = 10,
    AuthenticationFailed = 11,
    NodeBlocked = 12,
    NodeNotAllowed = 13,
    NetworkKeyProofFailed = 14,
    NodeBanned = 15,

    // Per message.
    MessageRateExceeded = 20,
    MessageUnsigned = 21,
    MessageSignatureInvalid = 22,
    OriginBlocked = 23,
    BroadcastExpired = 24,

    // The peer broke the protocol (malformed or unexpected message).
    ProtocolViolation = 30,

    // A fault inside a decision: fail closed.
    InternalError = 255,
}

/// <summary>Stable lower-case names for reason codes, used in logs, the protocol and tool output.</summary>
public static class DenyReasonNames
{
    public static string Code(this DenyReason reason) => reason switch
    {
        DenyReason.None => "allowed",
        DenyReason.IpBlocked => "ip_blocked",
        DenyReason.TooManyConnectionsFromIp => "too_many_connections_from_ip",
        DenyReason.ConnectionRateExceeded => "connection_rate_exceeded",
        DenyReason.Lockdown => "lockdown",
        DenyReason.IpBanned => "ip_banned",
        DenyReason.TooManyConnections => "too_many_connections",
        DenyReason.PendingHandshakeEvicted => "pending_handshake_evicted",
        DenyReason.AuthenticationRequired => "authentication_required",
        DenyReason.AuthenticationFailed => "authentication_failed",
        DenyReason.NodeBlocked => "node_blocked",
        DenyReason.NodeNotAllowed => "node_not_allowed",
        DenyReason.NetworkKeyProofFailed => "network_key_proof_failed",
        DenyReason.NodeBanned => "node_banned",
        DenyReason.MessageRateExceeded => "message_rate_exceeded",
        DenyReason.MessageUnsigned => "message_unsigned",
        DenyReason.MessageSignatureInvalid => "message_signature_invalid",
        DenyReason.OriginBlocked => "origin_blocked",
        DenyReason.BroadcastExpired => "broadcast_expired",
        DenyReason.ProtocolViolation => "protocol_violation",
        DenyReason.InternalError => "internal_error",
        _ => "unknown",
    };

    /// <summary>A sentence for operators.</summary>
    public static string Describe(this DenyReason reason) => reason switch
    {
        DenyReason.None => "allowed",
        DenyReason.IpBlocked => "address is in BLOCKED_IP_ADDRESSES",
        DenyReason.TooManyConnectionsFromIp => "MAX_CONNECTIONS_PER_IP reached for this address",
        DenyReason.ConnectionRateExceeded => "CONNECTION_RATE_LIMIT exceeded for this address",
        DenyReason.Lockdown => "the server is locked down (reload_security lockdown, or LOCKDOWN=true)",
        DenyReason.IpBanned => "address is banned (manage_trusted_nodes bans)",
        DenyReason.TooManyConnections => "MAX_CONNECTIONS reached (or the per-address table is full)",
        DenyReason.PendingHandshakeEvicted => "MAX_PENDING_HANDSHAKES reached; the oldest handshake of the busiest address was closed",
        DenyReason.AuthenticationRequired => "no client certificate presented (REQUIRE_NODE_AUTHENTICATION)",
        DenyReason.AuthenticationFailed => "authentication failed",
        DenyReason.NodeBlocked => "node key is in BLOCKED_NODE_KEYS",
        DenyReason.NodeNotAllowed => "node key is not in ALLOWED_NODE_KEYS (whitelist mode)",
        DenyReason.NetworkKeyProofFailed => "did not prove knowledge of NETWORK_SECRET_KEY",
        DenyReason.NodeBanned => "node key is banned (manage_trusted_nodes bans)",
        DenyReason.MessageRateExceeded => "MESSAGE_RATE_LIMIT exceeded for this address",
        DenyReason.MessageUnsigned => "unsigned message dropped (REJECT_UNSIGNED_MESSAGES)",
        DenyReason.MessageSignatureInvalid => "message signature does not verify against its originator's key",
        DenyReason.OriginBlocked => "message originated by a blocked or not allowed node",
        DenyReason.BroadcastExpired => "broadcast older than BROADCAST_MAX_AGE, from the future, from before this node started, or without a timestamp while REJECT_UNSIGNED_MESSAGES",
        DenyReason.ProtocolViolation => "malformed or unexpected message",
        DenyReason.InternalError => "internal error while deciding (fail closed)",
        _ => "unknown reason",
    };
}
