namespace P2PSecurity.Stress.SlowClients;

/// <summary>How a slow client wastes the server's time.</summary>
public enum SlowKind
{
    /// <summary>TCP only: not a byte.</summary>
    Silent,

    /// <summary>The first part of a TLS ClientHello, then nothing.</summary>
    PartialTlsHello,

    /// <summary>A TLS ClientHello one byte at a time, never finishing within the timeout.</summary>
    Drip,

    /// <summary>A full TLS handshake as an allowed node, then no ClientHello: TLS is not the node handshake.</summary>
    TlsThenSilent,

    /// <summary>
    /// A full TLS handshake as a blocked node, then no ClientHello. The server knows the key when TLS completes, so it
    /// must refuse at once (Refusal 12 in place of ServerHello), not wait for HANDSHAKE_TIMEOUT.
    /// </summary>
    BlockedThenSilent,
}
