namespace P2PSecurity.Core.Protocol;

/// <summary>The client's answer: its own challenge for the server, and its network-key proof when one is required.</summary>
public sealed record ClientHelloMessage(byte Version, byte[] Challenge, byte[]? Proof) : NodeMessage
{
    public override MessageType Type => MessageType.ClientHello;
}
