using DotNetty.Buffers;
using DotNetty.Transport.Channels.Embedded;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Server.Pipeline;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>The frame decoder on an embedded channel: lengths are judged before any body is awaited or sized.</summary>
[Trait("Tier", "Pipeline")]
public sealed class FrameDecoderTests
{
    private const int Max = 1024;
    private static readonly TimeSpan Patient = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(40);

    [Theory]
    [InlineData(0x7FFF_FFFFu)]
    [InlineData(Max + 1u)]
    [InlineData(0u)]
    public void Decode_DeclaredLengthOutOfRange_FaultsOnThePrefixAloneAndDiscardsTheRest(uint declared)
    {
        var channel = new EmbeddedChannel(new FrameDecoder(() => Max, () => Patient));

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
        var channel = new EmbeddedChannel(new FrameDecoder(() => Max, () => Patient));

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
        var channel = new EmbeddedChannel(new FrameDecoder(() => Max, () => Patient));

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
        var channel = new EmbeddedChannel(new FrameDecoder(() => max, () => Patient));
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0, 0, 0, 2, 0x10, 1 }));
        channel.ReadInbound<IByteBuffer>().Release();

        max = 1;
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0, 0, 0, 2, 0x10, 1 }));

        Assert.NotNull(channel.ReadInbound<ProtocolFault>());
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void FrameTimeout_FrameStartedAndNotFinished_FaultsNamingTheTimeoutAndDiscardsLaterBytes()
    {
        var time = new FakeTimeProvider();
        var channel = new EmbeddedChannel(new FrameDecoder(() => Max, () => Short, time));
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0, 0, 0, 100, 0x10, 1, 2 }));

        Advance(time, channel, Short);
        var fault = channel.ReadInbound<ProtocolFault>();
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0, 0, 0, 1, 0x10 }));

        Assert.NotNull(fault);
        Assert.Contains("not completed within 0.04 s (7 bytes", fault.Detail, StringComparison.Ordinal);
        Assert.Null(channel.ReadInbound<object>());
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void FrameTimeout_SlowFrameStillInsideItsTime_IsNotFaultedAndIsDelivered()
    {
        var time = new FakeTimeProvider();
        var channel = new EmbeddedChannel(new FrameDecoder(() => Max, () => Short, time));
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0, 0, 0, 3, 0x10 }));

        Advance(time, channel, Short / 2);
        Assert.Null(channel.ReadInbound<object>());
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 7, 8 }));

        var frame = channel.ReadInbound<IByteBuffer>();
        Assert.Equal(new byte[] { 0x10, 7, 8 }, Bytes(frame));
        frame.Release();
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void FrameTimeout_CountsFromTheFramesFirstByte_NotFromAnEarlierCompletedFrame()
    {
        var time = new FakeTimeProvider();
        var channel = new EmbeddedChannel(new FrameDecoder(() => Max, () => Short, time));
        // One whole frame and the start of the next in one read; the timer starts for the second.
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0, 0, 0, 1, 0x10, 0, 0, 0, 3, 0x11 }));
        channel.ReadInbound<IByteBuffer>().Release();
        Advance(time, channel, Short * 0.75);
        // The second frame completes and a third starts: its time begins now, not at the first read.
        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 1, 2, 0, 0, 0, 2 }));
        channel.ReadInbound<IByteBuffer>().Release();

        // The timer set at the first read fires now; the frame in progress is younger than the timeout: re-armed.
        Advance(time, channel, Short * 0.75);
        Assert.Null(channel.ReadInbound<object>());

        Advance(time, channel, Short);
        Assert.NotNull(channel.ReadInbound<ProtocolFault>());
        channel.FinishAndReleaseAll();
    }

    /// <summary>Moves the fake clock (firing the decoder's timer if due) and runs what the timer handed to the channel's loop.</summary>
    private static void Advance(FakeTimeProvider time, EmbeddedChannel channel, TimeSpan by)
    {
        time.Advance(by);
        channel.RunPendingTasks();
    }

    private static byte[] Bytes(IByteBuffer buffer)
    {
        var bytes = new byte[buffer.ReadableBytes];
        buffer.GetBytes(buffer.ReaderIndex, bytes);
        return bytes;
    }
}
