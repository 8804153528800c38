using DotNetty.Buffers;
using DotNetty.Transport.Channels.Embedded;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Server.Pipeline;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>The message codec: bodies to messages and back; a body that does not decode becomes a protocol fault.</summary>
[Trait("Tier", "Pipeline")]
public sealed class MessageCodecHandlerTests
{
    [Fact]
    public void Read_ValidBody_PassesTheMessageOn()
    {
        var channel = new EmbeddedChannel(new MessageCodecHandler());

        channel.WriteInbound(Unpooled.WrappedBuffer(MessageCodec.Encode(new PingMessage([1, 2, 3]))));

        Assert.Equal([1, 2, 3], channel.ReadInbound<PingMessage>().Data);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Read_BodyThatDoesNotDecode_PassesAProtocolFault()
    {
        var channel = new EmbeddedChannel(new MessageCodecHandler());

        channel.WriteInbound(Unpooled.WrappedBuffer([0xEE, 0x00]));

        var fault = channel.ReadInbound<ProtocolFault>();
        Assert.False(string.IsNullOrEmpty(fault.Detail));
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Write_Message_IsEncodedAsItsBody()
    {
        var channel = new EmbeddedChannel(new MessageCodecHandler());
        var goodbye = new GoodbyeMessage(GoodbyeReason.Leaving, "bye");

        channel.WriteOutbound(goodbye);

        var buffer = channel.ReadOutbound<IByteBuffer>();
        var body = new byte[buffer.ReadableBytes];
        buffer.ReadBytes(body);
        buffer.Release();
        Assert.Equal(MessageCodec.Encode(goodbye), body);
        Assert.True(MessageCodec.TryDecode(body, out var back, out _));
        Assert.Equal<NodeMessage>(goodbye, back);
        channel.FinishAndReleaseAll();
    }
}
