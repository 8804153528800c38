namespace P2PSecurity.Core.Protocol;

/// <summary>The answer to a <see cref="PingMessage"/>, echoing its data.</summary>
public sealed record PongMessage(byte[] Data) : NodeMessage
{
    public override MessageType Type => MessageType.Pong;
}
