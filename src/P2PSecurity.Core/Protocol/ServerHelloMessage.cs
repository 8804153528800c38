using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Protocol;

/// <summary>The server's first message after TLS: a fresh challenge and what it requires of the client.</summary>
public sealed record ServerHelloMessage(byte Version, bool NetworkKeyProofRequired, bool CertificateRequired, byte[] Challenge, NodeKey ServerKey) : NodeMessage
{
    public override MessageType Type => MessageType.ServerHello;
}
