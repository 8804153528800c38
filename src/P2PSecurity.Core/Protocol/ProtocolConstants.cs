namespace P2PSecurity.Core.Protocol;

/// <summary>Fixed numbers of the wire protocol (docs/PROTOCOL.md).</summary>
public static class ProtocolConstants
{
    /// <summary>The protocol version carried by both hellos.</summary>
    public const byte Version = 1;

    /// <summary>Frames start with the body's length as an unsigned 32-bit big-endian integer.</summary>
    public const int LengthPrefixSize = 4;

    public const int ChallengeSize = 32;

    public const int ProofSize = 32;

    public const int NodeKeySize = 32;

    /// <summary>ECDSA P-256 signature as r || s, 32 bytes each.</summary>
    public const int SignatureSize = 64;

    /// <summary>Longest SubjectPublicKeyInfo accepted in a signed broadcast (a P-256 one is 91 bytes).</summary>
    public const int MaxPublicKeySize = 256;

    /// <summary>The TLS server name clients send; nodes are identified by key, not by name.</summary>
    public const string TlsServerName = "p2psecurity-node";
}
