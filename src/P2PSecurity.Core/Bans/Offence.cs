namespace P2PSecurity.Core.Bans;

/// <summary>What a peer did that counts against its address for AUTO_BAN.</summary>
public enum Offence : byte
{
    None = 0,

    /// <summary>Did not finish TLS and the node handshake within HANDSHAKE_TIMEOUT.</summary>
    HandshakeTimeout,

    /// <summary>The TLS handshake failed (bad or missing certificate, not TLS at all).</summary>
    TlsFailed,

    /// <summary>Malformed or unexpected bytes (bad frame, bad message, slow frame).</summary>
    ProtocolViolation,

    /// <summary>Refused at the node gate: a key not in ALLOWED_NODE_KEYS, or no network-key proof.</summary>
    UnknownNode,

    /// <summary>Refused at the node gate: a key in BLOCKED_NODE_KEYS.</summary>
    BlockedNode,

    /// <summary>Closed for sending on after MESSAGE_RATE_LIMIT notices.</summary>
    MessageFlood,

    /// <summary>A connection refused by CONNECTION_RATE_LIMIT.</summary>
    ConnectionRate,
}

/// <summary>How many strikes each offence is worth, and its name in logs.</summary>
/// <remarks>
/// With the default threshold of 20 strikes in 10 minutes:
/// - 4 protocol violations or message floods: an honest implementation never sends a malformed frame, and a flood
///   close comes only after the peer ignored several notices, so both are deliberate or badly broken (weight 5).
/// - 10 TLS failures or handshake timeouts: scanners and slow-loris clients do this; so do a mistyped address or a
///   flaky link now and then, hence half as heavy (weight 2).
/// - 7 connections with a blocked key: the operator already said no to that node (weight 3).
/// - 20 refusals of an unknown key: a node waiting for approval is normal in whitelist mode; this server's own
///   dialler backs off 1, 2, 4 ... 60 s, about 14 attempts in 10 minutes, so it stays below (weight 1).
/// - 20 connection-rate refusals: each one is cheap and can come from a reconnecting node that is merely eager (weight 1).
/// </remarks>
public static class OffenceWeights
{
    public static int Weight(this Offence offence) => offence switch
    {
        Offence.ProtocolViolation => 5,
        Offence.MessageFlood => 5,
        Offence.BlockedNode => 3,
        Offence.TlsFailed => 2,
        Offence.HandshakeTimeout => 2,
        Offence.UnknownNode => 1,
        Offence.ConnectionRate => 1,
        _ => 0,
    };

    public static string Code(this Offence offence) => offence switch
    {
        Offence.HandshakeTimeout => "handshake_timeout",
        Offence.TlsFailed => "tls_failed",
        Offence.ProtocolViolation => "protocol_violation",
        Offence.UnknownNode => "unknown_node",
        Offence.BlockedNode => "blocked_node",
        Offence.MessageFlood => "message_flood",
        Offence.ConnectionRate => "connection_rate",
        _ => "none",
    };
}
