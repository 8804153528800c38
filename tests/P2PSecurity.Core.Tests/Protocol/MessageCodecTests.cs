using System.Buffers.Binary;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Protocol;

public sealed class MessageCodecTests
{
    private static readonly NodeKey KeyA = NodeKey.FromHash(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly byte[] Challenge = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    public static TheoryData<NodeMessage> Messages()
    {
        using var identity = NodeIdentity.Create();
        return new TheoryData<NodeMessage>
        {
            new ServerHelloMessage(1, true, false, Challenge, KeyA),
            new ServerHelloMessage(1, false, true, Challenge, KeyA),
            new ClientHelloMessage(1, Challenge, null),
            new ClientHelloMessage(1, Challenge, new byte[32]),
            new WelcomeMessage(KeyA, 1 << 20, 100, 60, null),
            new WelcomeMessage(null, 1024, 0, 1, Challenge),
            new RefusalMessage(DenyReason.NodeBlocked, "node_blocked"),
            new PingMessage([]),
            new PongMessage([1, 2, 3]),
            new GoodbyeMessage(GoodbyeReason.ShuttingDown, "server shutting down"),
            new DroppedMessage(DenyReason.MessageRateExceeded, MessageType.Ping, null),
            new DroppedMessage(DenyReason.OriginBlocked, MessageType.Broadcast, new byte[16]),
            BroadcastSigning.Create(identity, [9, 9], sign: false),
            BroadcastSigning.Create(identity, [], sign: true),
            BroadcastSigning.CreateVersion1(identity, [7], sign: false),
            BroadcastSigning.CreateVersion1(identity, [7, 8], sign: true),
        };
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void EncodeThenDecode_GivesTheSameMessage(NodeMessage message)
    {
        var body = MessageCodec.Encode(message);

        Assert.True(MessageCodec.TryDecode(body, out var decoded, out var error), error);
        Assert.Equal((byte)message.Type, body[0]);
        // Records compare arrays by reference; compare the encodings instead.
        Assert.Equal(body, MessageCodec.Encode(decoded));
        Assert.Equal(message.GetType(), decoded.GetType());
    }

    [Fact]
    public void EncodeFrame_PrefixesTheBigEndianBodyLength()
    {
        var frame = MessageCodec.EncodeFrame(new PingMessage([1, 2, 3]));

        Assert.Equal(new byte[] { 0, 0, 0, 4, 0x10, 1, 2, 3 }, frame);
    }

    [Fact]
    public void Encode_ServerHello_HasTheDocumentedLayout()
    {
        var body = MessageCodec.Encode(new ServerHelloMessage(1, true, true, Challenge, KeyA));

        Assert.Equal(67, body.Length);
        Assert.Equal(new byte[] { 0x01, 0x01, 0x03 }, body[..3]);
        Assert.Equal(Challenge, body[3..35]);
        Assert.Equal(Enumerable.Range(1, 32).Select(i => (byte)i), body[35..67]);
    }

    [Fact]
    public void Encode_SignedVersion2Broadcast_HasTheDocumentedLayout()
    {
        using var identity = NodeIdentity.Create();
        var at = new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
        var message = BroadcastSigning.Create(identity, [0xAA, 0xBB], sign: true, at);

        var body = MessageCodec.Encode(message);

        Assert.Equal(0x20, body[0]);
        Assert.Equal(0x03, body[1]);
        Assert.Equal(message.Id, body[2..18]);
        Assert.Equal(at.ToUnixTimeMilliseconds(), BinaryPrimitives.ReadInt64BigEndian(body.AsSpan(50)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(58)));
        Assert.Equal(new byte[] { 0xAA, 0xBB }, body[62..64]);
        Assert.Equal(identity.SubjectPublicKeyInfo.Length, BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(64)));
        Assert.Equal(body.Length, 66 + identity.SubjectPublicKeyInfo.Length + 64);
    }

    [Fact]
    public void TryDecode_BroadcastWithUnknownFlag_Fails()
    {
        using var identity = NodeIdentity.Create();
        var body = MessageCodec.Encode(BroadcastSigning.Create(identity, [1], sign: false));
        body[1] |= 0x04;

        Assert.False(MessageCodec.TryDecode(body, out _, out var error));
        Assert.Contains("malformed Broadcast", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_SignedVersion1Broadcast_HasTheDocumentedLayout()
    {
        using var identity = NodeIdentity.Create();
        var message = BroadcastSigning.CreateVersion1(identity, [0xAA, 0xBB], sign: true);

        var body = MessageCodec.Encode(message);

        Assert.Equal(0x20, body[0]);
        Assert.Equal(0x01, body[1]);
        Assert.Equal(message.Id, body[2..18]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(50)));
        Assert.Equal(new byte[] { 0xAA, 0xBB }, body[54..56]);
        Assert.Equal(identity.SubjectPublicKeyInfo.Length, BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(56)));
        Assert.Equal(body.Length, 58 + identity.SubjectPublicKeyInfo.Length + 64);
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 0x7E }, "unknown message type 0x7e")]
    [InlineData(new byte[] { 0x01, 1, 0 }, "malformed ServerHello")]
    [InlineData(new byte[] { 0x04 }, "malformed Refusal")]
    [InlineData(new byte[] { 0x13, 20, 0x20, 1, 2 }, "malformed Dropped")]
    public void TryDecode_BadBody_FailsWithAReason(byte[] body, string expected)
    {
        Assert.False(MessageCodec.TryDecode(body, out var message, out var error));
        Assert.Null(message);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_TrailingBytes_Fail()
    {
        var body = MessageCodec.Encode(new ClientHelloMessage(1, Challenge, null)).Concat(new byte[] { 0 }).ToArray();

        Assert.False(MessageCodec.TryDecode(body, out _, out var error));
        Assert.Contains("trailing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_BroadcastDeclaringMorePayloadThanItHas_Fails()
    {
        var body = new byte[1 + 1 + 16 + 32 + 4];
        body[0] = 0x20;
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(50), 0x7FFF_FFFF);

        Assert.False(MessageCodec.TryDecode(body, out _, out _));
    }
}
