namespace P2PSecurity.Core.Protocol;

/// <summary>Asks for a <see cref="PongMessage"/> with the same data.</summary>
public sealed record PingMessage(byte[] Data) : NodeMessage
{
    public override MessageType Type => MessageType.Ping;
}
