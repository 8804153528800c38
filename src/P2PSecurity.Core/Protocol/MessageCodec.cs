using System.Buffers.Binary;
using System.Text;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Protocol;

/// <summary>
/// Turns messages into frame bodies and back, exactly as docs/PROTOCOL.md describes. Decoding never throws: a
/// body that is short, too long, or of an unknown type gives an error text.
/// </summary>
public static partial class MessageCodec
{
    private const byte HelloProofRequired = 0x01;
    private const byte HelloCertificateRequired = 0x02;
    private const byte ClientProofPresent = 0x01;
    private const byte WelcomeProofPresent = 0x01;
    private const byte WelcomePeerKeyPresent = 0x02;
    private const byte BroadcastSigned = 0x01;
    private const byte BroadcastTimestamped = 0x02;

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

    private static byte[] ServerHello(ServerHelloMessage m)
    {
        var w = Start(MessageType.ServerHello, 2 + ProtocolConstants.ChallengeSize + ProtocolConstants.NodeKeySize, out var buffer);
        w.Byte(m.Version);
        w.Byte((byte)((m.NetworkKeyProofRequired ? HelloProofRequired : 0) | (m.CertificateRequired ? HelloCertificateRequired : 0)));
        w.Bytes(Exactly(m.Challenge, ProtocolConstants.ChallengeSize, "challenge"));
        WriteKey(ref w, m.ServerKey);
        return buffer;
    }

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

    private static byte[] Broadcast(BroadcastMessage m)
    {
        if ((m.Signature is null) != (m.OriginPublicKey is null))
        {
            throw new ArgumentException("a signed broadcast carries both the originator's public key and the signature", nameof(m));
        }
        var signedSize = m.Signature is null ? 0 : 2 + m.OriginPublicKey!.Length + ProtocolConstants.SignatureSize;
        var timestampSize = m.TimestampMs is null ? 0 : 8;
        var w = Start(MessageType.Broadcast, 1 + BroadcastMessage.IdSize + ProtocolConstants.NodeKeySize + timestampSize + 4 + m.Payload.Length + signedSize, out var buffer);
        w.Byte((byte)((m.Signature is null ? 0 : BroadcastSigned) | (m.TimestampMs is null ? 0 : BroadcastTimestamped)));
        w.Bytes(Exactly(m.Id, BroadcastMessage.IdSize, "broadcast id"));
        WriteKey(ref w, m.Origin);
        if (m.TimestampMs is { } timestamp)
        {
            w.UInt64(timestamp < 0 ? throw new ArgumentException("a broadcast timestamp is not before 1970", nameof(m)) : (ulong)timestamp);
        }
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

    private static byte[] Exactly(byte[] value, int size, string what) =>
        value.Length == size ? value : throw new ArgumentException($"a {what} is {size} bytes, got {value.Length}");
}
