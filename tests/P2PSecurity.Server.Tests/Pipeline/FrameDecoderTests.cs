using DotNetty.Buffers;
using DotNetty.Transport.Channels.Embedded;
using P2PSecurity.Server.Pipeline;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>The frame decoder on an embedded channel: lengths are judged before any body is awaited or sized.</summary>
public sealed class FrameDecoderTests
{
    private const int Max = 1024;

    [Theory]
    [InlineData(0x7FFF_FFFFu)]
    [InlineData(Max + 1u)]
    [InlineData(0u)]
    public void Decode_DeclaredLengthOutOfRange_FaultsOnThePrefixAloneAndDiscardsTheRest(uint declared)
    {
        var channel = new EmbeddedChannel(new FrameDecoder(() => Max));

        channel.WriteInbound(Unpooled.Buffer(4).WriteInt((int)declared));
        var fault = channel.ReadInbound<ProtocolFault>();
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0, 0, 0, 1, 0x10 }));

        Assert.NotNull(fault);
        Assert.Contains(declared.ToString(System.Globalization.CultureInfo.InvariantCulture), fault.Detail, StringComparison.Ordinal);
        Assert.Null(channel.ReadInbound<object>());
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Decode_FrameSplitAcrossReads_IsAssembled()
    {
        var channel = new EmbeddedChannel(new FrameDecoder(() => Max));

        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0, 0, 0, 3, 0x10 }));
        Assert.Null(channel.ReadInbound<object>());
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 7, 8 }));

        var frame = channel.ReadInbound<IByteBuffer>();
        Assert.Equal(new byte[] { 0x10, 7, 8 }, Bytes(frame));
        frame.Release();
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Decode_TwoFramesInOneRead_GivesBoth()
    {
        var channel = new EmbeddedChannel(new FrameDecoder(() => Max));

        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0, 0, 0, 1, 0x10, 0, 0, 0, 2, 0x11, 5 }));

        var first = channel.ReadInbound<IByteBuffer>();
        var second = channel.ReadInbound<IByteBuffer>();
        Assert.Equal(new byte[] { 0x10 }, Bytes(first));
        Assert.Equal(new byte[] { 0x11, 5 }, Bytes(second));
        first.Release();
        second.Release();
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Decode_MaximumChangedByReload_AppliesToTheNextFrame()
    {
        var max = Max;
        var channel = new EmbeddedChannel(new FrameDecoder(() => max));
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0, 0, 0, 2, 0x10, 1 }));
        channel.ReadInbound<IByteBuffer>().Release();

        max = 1;
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0, 0, 0, 2, 0x10, 1 }));

        Assert.NotNull(channel.ReadInbound<ProtocolFault>());
        channel.FinishAndReleaseAll();
    }

    private static byte[] Bytes(IByteBuffer buffer)
    {
        var bytes = new byte[buffer.ReadableBytes];
        buffer.GetBytes(buffer.ReaderIndex, bytes);
        return bytes;
    }
}
