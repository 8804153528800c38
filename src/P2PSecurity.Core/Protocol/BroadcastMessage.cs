using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Protocol;

/// <summary>
/// A message for every node of the network. <see cref="Id"/> (16 random bytes chosen by the originator) makes each
/// broadcast delivered once. When signed, <see cref="OriginPublicKey"/> is the originator's SubjectPublicKeyInfo
/// (whose SHA-256 must be <see cref="Origin"/>) and <see cref="Signature"/> its ECDSA P-256 signature.
/// </summary>
/// <remarks>
/// Version 2 carries <see cref="TimestampMs"/>, the originator's clock (Unix milliseconds) when it made the broadcast,
/// inside what is signed: a receiver drops a copy older than <c>BROADCAST_MAX_AGE</c>, so a captured broadcast cannot
/// be replayed once the receiver has forgotten its id. Version 1 (no timestamp) is still read while
/// <c>REJECT_UNSIGNED_MESSAGES</c> is off.
/// </remarks>
public sealed record BroadcastMessage(byte[] Id, NodeKey Origin, byte[] Payload, byte[]? OriginPublicKey, byte[]? Signature, long? TimestampMs = null) : NodeMessage
{
    public const int IdSize = 16;

    public override MessageType Type => MessageType.Broadcast;

    public bool IsSigned => Signature is not null;

    /// <summary>1 for a broadcast without a timestamp, 2 with one.</summary>
    public int Version => TimestampMs is null ? 1 : 2;
}
