using System.Diagnostics.CodeAnalysis;
using System.Text;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Protocol;

public static partial class MessageCodec
{
    /// <summary>Reads one frame body. Trailing bytes after a message's last field are an error.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, [NotNullWhen(true)] out NodeMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        if (body.IsEmpty)
        {
            error = "empty frame (a frame holds at least its type byte)";
            return false;
        }
        var reader = new BodyReader(body[1..]);
        var type = (MessageType)body[0];
        message = type switch
        {
            MessageType.ServerHello => ReadServerHello(ref reader),
            MessageType.ClientHello => ReadClientHello(ref reader),
            MessageType.Welcome => ReadWelcome(ref reader),
            MessageType.Refusal => reader.TryByte(out var r) ? new RefusalMessage((DenyReason)r, Text(reader.Rest())) : null,
            MessageType.Ping => new PingMessage(reader.Rest()),
            MessageType.Pong => new PongMessage(reader.Rest()),
            MessageType.Goodbye => reader.TryByte(out var g) ? new GoodbyeMessage((GoodbyeReason)g, Text(reader.Rest())) : null,
            MessageType.Dropped => ReadDropped(ref reader),
            MessageType.Broadcast => ReadBroadcast(ref reader),
            _ => null,
        };
        if (message is null)
        {
            error = Enum.IsDefined(type) ? $"malformed {type} message ({body.Length} bytes)" : $"unknown message type 0x{body[0]:x2}";
            return false;
        }
        if (reader.Remaining != 0)
        {
            error = $"{type} message has {reader.Remaining} unexpected trailing bytes";
            message = null;
            return false;
        }
        error = null;
        return true;
    }

    private static ServerHelloMessage? ReadServerHello(ref BodyReader r) =>
        r.TryByte(out var version) && r.TryByte(out var flags) && r.TryBytes(ProtocolConstants.ChallengeSize, out var challenge) && TryKey(ref r, out var key)
            ? new ServerHelloMessage(version, (flags & HelloProofRequired) != 0, (flags & HelloCertificateRequired) != 0, challenge, key)
            : null;

    private static ClientHelloMessage? ReadClientHello(ref BodyReader r)
    {
        if (!r.TryByte(out var version) || !r.TryByte(out var flags) || !r.TryBytes(ProtocolConstants.ChallengeSize, out var challenge))
        {
            return null;
        }
        byte[]? proof = null;
        if ((flags & ClientProofPresent) != 0 && !r.TryBytes(ProtocolConstants.ProofSize, out proof))
        {
            return null;
        }
        return new ClientHelloMessage(version, challenge, proof);
    }

    private static WelcomeMessage? ReadWelcome(ref BodyReader r)
    {
        if (!r.TryByte(out var flags) || !TryKey(ref r, out var key) || !r.TryUInt32(out var maxFrame) ||
            !r.TryUInt32(out var rateCount) || !r.TryUInt32(out var ratePeriod) || maxFrame > int.MaxValue ||
            rateCount > int.MaxValue || ratePeriod > int.MaxValue)
        {
            return null;
        }
        byte[]? proof = null;
        if ((flags & WelcomeProofPresent) != 0 && !r.TryBytes(ProtocolConstants.ProofSize, out proof))
        {
            return null;
        }
        NodeKey? peer = (flags & WelcomePeerKeyPresent) != 0 ? key : null;
        return new WelcomeMessage(peer, (int)maxFrame, (int)rateCount, (int)ratePeriod, proof);
    }

    private static DroppedMessage? ReadDropped(ref BodyReader r)
    {
        if (!r.TryByte(out var reason) || !r.TryByte(out var type))
        {
            return null;
        }
        byte[]? id = null;
        if (r.Remaining > 0 && !r.TryBytes(BroadcastMessage.IdSize, out id))
        {
            return null;
        }
        return new DroppedMessage((DenyReason)reason, (MessageType)type, id);
    }

    private static BroadcastMessage? ReadBroadcast(ref BodyReader r)
    {
        if (!r.TryByte(out var flags) || (flags & ~(BroadcastSigned | BroadcastTimestamped)) != 0 ||
            !r.TryBytes(BroadcastMessage.IdSize, out var id) || !TryKey(ref r, out var origin))
        {
            return null;
        }
        long? timestamp = null;
        if ((flags & BroadcastTimestamped) != 0)
        {
            if (!r.TryUInt64(out var ms) || ms > long.MaxValue)
            {
                return null;
            }
            timestamp = (long)ms;
        }
        if (!r.TryUInt32(out var length) || length > int.MaxValue || !r.TryBytes((int)length, out var payload))
        {
            return null;
        }
        if ((flags & BroadcastSigned) == 0)
        {
            return new BroadcastMessage(id, origin, payload, null, null, timestamp);
        }
        if (!r.TryUInt16(out var keyLength) || keyLength > ProtocolConstants.MaxPublicKeySize || !r.TryBytes(keyLength, out var publicKey) ||
            !r.TryBytes(ProtocolConstants.SignatureSize, out var signature))
        {
            return null;
        }
        return new BroadcastMessage(id, origin, payload, publicKey, signature, timestamp);
    }

    private static bool TryKey(ref BodyReader r, out NodeKey key)
    {
        key = default;
        if (!r.TryBytes(ProtocolConstants.NodeKeySize, out var bytes))
        {
            return false;
        }
        key = NodeKey.FromHash(bytes);
        return true;
    }

    // Peer text is for people; invalid UTF-8 becomes U+FFFD rather than an error. Loggers escape it.
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
