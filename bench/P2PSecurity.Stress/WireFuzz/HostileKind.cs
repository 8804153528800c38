namespace P2PSecurity.Stress.WireFuzz;

/// <summary>What one hostile connection does. The stage it attacks is in the name: before TLS, in TLS, before the node handshake finished, in a session.</summary>
public enum HostileKind
{
    RandomBytesBeforeTls,
    PlaintextFrameBeforeTls,
    FakeTlsRecord,
    TruncatedTlsHello,
    TlsHelloThenGarbage,
    ResetDuringTls,
    ConnectAndClose,
    Tls12Only,
    NoCertificate,
    GarbageBeneathTls,
    GarbageInsideTls,
    HugeDeclaredLength,
    ZeroLength,
    TruncatedFrame,
    UnknownMessageType,
    MessageBeforeHello,
    MalformedHello,
    MutatedHello,
    PipelinedHello,
    SessionGarbage,
    SessionHugeDeclaredLength,
    SessionUnknownMessageType,
    SessionHandshakeMessage,
    SessionMalformedBroadcast,
    SessionTruncatedThenClose,
    SessionMessageFlood,
}

/// <summary>How a hostile connection ended.</summary>
public enum HostileResult
{
    /// <summary>The server closed it (what every hostile kind must end in unless the client leaves first).</summary>
    ClosedByServer,

    /// <summary>The kind ends by the client leaving (a reset, a close) and the server did nothing wrong.</summary>
    ClosedByClient,

    /// <summary>The server had not closed it within the bound: a hostile client holding a connection.</summary>
    LeftOpen,

    /// <summary>The server answered in a way the protocol does not allow for this input.</summary>
    Unexpected,

    /// <summary>TCP connect failed or timed out: the server was not accepting.</summary>
    ConnectFailed,
}
