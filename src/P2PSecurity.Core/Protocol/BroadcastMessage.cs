using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Protocol;

/// <summary>
/// A message for every node of the network. <see cref="Id"/> (16 random bytes chosen by the originator) makes each
/// broadcast delivered once. When signed, <see cref="OriginPublicKey"/> is the originator's SubjectPublicKeyInfo
/// (whose SHA-256 must be <see cref="Origin"/>) and <see cref="Signature"/> its ECDSA P-256 signature.
/// </summary>
public sealed record BroadcastMessage(byte[] Id, NodeKey Origin, byte[] Payload, byte[]? OriginPublicKey, byte[]? Signature) : NodeMessage
{
    public const int IdSize = 16;

    public override MessageType Type => MessageType.Broadcast;

    public bool IsSigned => Signature is not null;
}
