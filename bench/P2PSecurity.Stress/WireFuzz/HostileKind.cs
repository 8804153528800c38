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
    SessionTruncatedThenSilent,
    SessionMessageFlood,
}
