using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Protocol;

/// <summary>
/// Turns messages into frame bodies and back, exactly as docs/PROTOCOL.md describes. Decoding never throws: a
/// body that is short, too long, or of an unknown type gives an error text.
/// </summary>
public static class MessageCodec
{
    private const byte HelloProofRequired = 0x01;
    private const byte HelloCertificateRequired = 0x02;
    private const byte ClientProofPresent = 0x01;
    private const byte WelcomeProofPresent = 0x01;
    private const byte WelcomePeerKeyPresent = 0x02;
    private const byte BroadcastSigned = 0x01;

    /// <summary>The frame body: the type byte, then the message's fields.</summary>
    public static byte[] Encode(NodeMessage message) => message switch
    {
        ServerHelloMessage m => ServerHello(m),
        ClientHelloMessage m => ClientHello(m),
        WelcomeMessage m => Welcome(m),
        RefusalMessage m => ReasonAndText(MessageType.Refusal, (byte)m.Reason, m.Text),
        PingMessage m => TypeAndData(MessageType.Ping, m.Data),
        PongMessage m => TypeAndData(MessageType.Pong, m.Data),
        GoodbyeMessage m => ReasonAndText(MessageType.Goodbye, (byte)m.Reason, m.Text),
        DroppedMessage m => Dropped(m),
        BroadcastMessage m => Broadcast(m),
        _ => throw new ArgumentException($"no encoding for {message.GetType().Name}", nameof(message)),
    };

    /// <summary>The whole frame: the 4-byte big-endian length, then the body.</summary>
    public static byte[] EncodeFrame(NodeMessage message)
    {
        var body = Encode(message);
        var frame = new byte[ProtocolConstants.LengthPrefixSize + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame, ProtocolConstants.LengthPrefixSize);
        return frame;
    }

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

    private static byte[] ServerHello(ServerHelloMessage m)
    {
        var w = Start(MessageType.ServerHello, 2 + ProtocolConstants.ChallengeSize + ProtocolConstants.NodeKeySize, out var buffer);
        w.Byte(m.Version);
        w.Byte((byte)((m.NetworkKeyProofRequired ? HelloProofRequired : 0) | (m.CertificateRequired ? HelloCertificateRequired : 0)));
        w.Bytes(Exactly(m.Challenge, ProtocolConstants.ChallengeSize, "challenge"));
        WriteKey(ref w, m.ServerKey);
        return buffer;
    }

    private static ServerHelloMessage? ReadServerHello(ref BodyReader r) =>
        r.TryByte(out var version) && r.TryByte(out var flags) && r.TryBytes(ProtocolConstants.ChallengeSize, out var challenge) && TryKey(ref r, out var key)
            ? new ServerHelloMessage(version, (flags & HelloProofRequired) != 0, (flags & HelloCertificateRequired) != 0, challenge, key)
            : null;

    private static byte[] ClientHello(ClientHelloMessage m)
    {
        var proofSize = m.Proof is null ? 0 : ProtocolConstants.ProofSize;
        var w = Start(MessageType.ClientHello, 2 + ProtocolConstants.ChallengeSize + proofSize, out var buffer);
        w.Byte(m.Version);
        w.Byte(m.Proof is null ? (byte)0 : ClientProofPresent);
        w.Bytes(Exactly(m.Challenge, ProtocolConstants.ChallengeSize, "challenge"));
        if (m.Proof is not null)
        {
            w.Bytes(Exactly(m.Proof, ProtocolConstants.ProofSize, "proof"));
        }
        return buffer;
    }

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

    private static byte[] Welcome(WelcomeMessage m)
    {
        var proofSize = m.Proof is null ? 0 : ProtocolConstants.ProofSize;
        var w = Start(MessageType.Welcome, 1 + ProtocolConstants.NodeKeySize + 12 + proofSize, out var buffer);
        w.Byte((byte)((m.Proof is null ? 0 : WelcomeProofPresent) | (m.PeerKey is null ? 0 : WelcomePeerKeyPresent)));
        WriteKey(ref w, m.PeerKey ?? default);
        w.UInt32(m.MaxFrameSize);
        w.UInt32(m.MessageRateCount);
        w.UInt32(m.MessageRatePeriodSeconds);
        if (m.Proof is not null)
        {
            w.Bytes(Exactly(m.Proof, ProtocolConstants.ProofSize, "proof"));
        }
        return buffer;
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

    private static byte[] Dropped(DroppedMessage m)
    {
        var idSize = m.BroadcastId is null ? 0 : BroadcastMessage.IdSize;
        var w = Start(MessageType.Dropped, 2 + idSize, out var buffer);
        w.Byte((byte)m.Reason);
        w.Byte((byte)m.DroppedType);
        if (m.BroadcastId is not null)
        {
            w.Bytes(Exactly(m.BroadcastId, BroadcastMessage.IdSize, "broadcast id"));
        }
        return buffer;
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

    private static byte[] Broadcast(BroadcastMessage m)
    {
        if ((m.Signature is null) != (m.OriginPublicKey is null))
        {
            throw new ArgumentException("a signed broadcast carries both the originator's public key and the signature", nameof(m));
        }
        var signedSize = m.Signature is null ? 0 : 2 + m.OriginPublicKey!.Length + ProtocolConstants.SignatureSize;
        var w = Start(MessageType.Broadcast, 1 + BroadcastMessage.IdSize + ProtocolConstants.NodeKeySize + 4 + m.Payload.Length + signedSize, out var buffer);
        w.Byte(m.Signature is null ? (byte)0 : BroadcastSigned);
        w.Bytes(Exactly(m.Id, BroadcastMessage.IdSize, "broadcast id"));
        WriteKey(ref w, m.Origin);
        w.UInt32(m.Payload.Length);
        w.Bytes(m.Payload);
        if (m.Signature is not null)
        {
            w.UInt16(m.OriginPublicKey!.Length);
            w.Bytes(m.OriginPublicKey);
            w.Bytes(Exactly(m.Signature, ProtocolConstants.SignatureSize, "signature"));
        }
        return buffer;
    }

    private static BroadcastMessage? ReadBroadcast(ref BodyReader r)
    {
        if (!r.TryByte(out var flags) || !r.TryBytes(BroadcastMessage.IdSize, out var id) || !TryKey(ref r, out var origin) ||
            !r.TryUInt32(out var length) || length > int.MaxValue || !r.TryBytes((int)length, out var payload))
        {
            return null;
        }
        if ((flags & BroadcastSigned) == 0)
        {
            return new BroadcastMessage(id, origin, payload, null, null);
        }
        if (!r.TryUInt16(out var keyLength) || keyLength > ProtocolConstants.MaxPublicKeySize || !r.TryBytes(keyLength, out var publicKey) ||
            !r.TryBytes(ProtocolConstants.SignatureSize, out var signature))
        {
            return null;
        }
        return new BroadcastMessage(id, origin, payload, publicKey, signature);
    }

    private static byte[] TypeAndData(MessageType type, byte[] data)
    {
        var w = Start(type, data.Length, out var buffer);
        w.Bytes(data);
        return buffer;
    }

    private static byte[] ReasonAndText(MessageType type, byte reason, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var w = Start(type, 1 + bytes.Length, out var buffer);
        w.Byte(reason);
        w.Bytes(bytes);
        return buffer;
    }

    private static BodyWriter Start(MessageType type, int size, out byte[] buffer)
    {
        buffer = new byte[1 + size];
        var writer = new BodyWriter(buffer);
        writer.Byte((byte)type);
        return writer;
    }

    private static void WriteKey(ref BodyWriter w, NodeKey key)
    {
        Span<byte> bytes = stackalloc byte[ProtocolConstants.NodeKeySize];
        key.WriteBytes(bytes);
        w.Bytes(bytes);
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

    private static byte[] Exactly(byte[] value, int size, string what) =>
        value.Length == size ? value : throw new ArgumentException($"a {what} is {size} bytes, got {value.Length}");

    // Peer text is for people; invalid UTF-8 becomes U+FFFD rather than an error. Loggers escape it.
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
