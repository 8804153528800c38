namespace P2PSecurity.Server.Pipeline;

/// <summary>Handler names, in pipeline order: the way a connection flows.</summary>
internal static class PipelineNames
{
    public const string Eviction = "eviction";
    public const string HandshakeTimeout = "handshake-timeout";
    public const string Tls = "tls";
    public const string FrameDecoder = "frame-decoder";
    public const string FramePrepender = "frame-prepender";
    public const string MessageCodec = "message-codec";
    public const string Handshake = "handshake";
    public const string MessageRate = "message-rate";
    public const string Session = "session";
}
