using System.Diagnostics;
using DotNetty.Buffers;
using DotNetty.Codecs;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Step 5: splits the decrypted stream into frames of <c>u32 big-endian length, body</c>. The length is checked as
/// soon as its four bytes are in, before any buffer is sized for the body: a length of zero or over the maximum
/// passes a <see cref="ProtocolFault"/> up and every later byte is discarded, so the peer cannot make the server
/// allocate what it declares.
/// </summary>
/// <remarks>
/// A frame must also arrive whole within <c>FRAME_TIMEOUT</c> of its first byte: otherwise a peer (even a welcomed
/// one, which no handshake deadline covers any more) could declare a large frame and send it a byte at a time,
/// holding up to <c>MAX_FRAME_SIZE</c> of buffer for as long as it likes. One timer at most is outstanding per
/// connection, armed only while a frame is incomplete; reads that keep completing frames only move a timestamp. The
/// timer is the injected <see cref="TimeProvider"/>'s, and it hands the check to the channel's event loop, so all
/// state stays on that loop and a test drives the deadline with a fake clock instead of waiting for it.
/// </remarks>
internal sealed class FrameDecoder(Func<int> maxFrameSize, Func<TimeSpan> frameTimeout, TimeProvider? time = null) : ByteToMessageDecoder
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private bool _failed;
    private bool _completedFrame;
    private long _partialSince;
    private ITimer? _timer;
    private bool _armed;

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        _completedFrame = false;
        var wasPartial = InternalBuffer.IsReadable();
        base.ChannelRead(context, message);
        if (_failed)
        {
            return;
        }
        if (!InternalBuffer.IsReadable())
        {
            return; // nothing pending: a timer still outstanding finds that and stops
        }
        if (!wasPartial || _completedFrame)
        {
            _partialSince = _time.GetTimestamp(); // a new frame started in this read
        }
        if (!_armed)
        {
            Arm(context, frameTimeout());
        }
    }

    public override void HandlerRemoved(IChannelHandlerContext context)
    {
        StopTimer();
        base.HandlerRemoved(context);
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        StopTimer();
        base.ChannelInactive(context);
    }

    protected override void Decode(IChannelHandlerContext context, IByteBuffer input, List<object> output)
    {
        if (_failed)
        {
            input.SkipBytes(input.ReadableBytes);
            return;
        }
        if (input.ReadableBytes < ProtocolConstants.LengthPrefixSize)
        {
            return;
        }
        var length = input.GetUnsignedInt(input.ReaderIndex);
        var max = maxFrameSize();
        if (length == 0 || length > (uint)max)
        {
            Fail(input, output, $"declared frame length {length} is outside 1..{max}");
            return;
        }
        if (input.ReadableBytes < ProtocolConstants.LengthPrefixSize + length)
        {
            return;
        }
        input.SkipBytes(ProtocolConstants.LengthPrefixSize);
        output.Add(input.ReadRetainedSlice((int)length));
        _completedFrame = true;
    }

    private void Arm(IChannelHandlerContext context, TimeSpan due)
    {
        _armed = true;
        _timer ??= _time.CreateTimer(_ => context.Executor.Execute(() => CheckDeadline(context)), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void StopTimer()
    {
        _armed = false;
        _timer?.Dispose();
        _timer = null;
    }

    private void CheckDeadline(IChannelHandlerContext context)
    {
        _armed = false;
        if (_failed || !context.Channel.Active || !InternalBuffer.IsReadable())
        {
            return;
        }
        var timeout = frameTimeout();
        var waited = _time.GetElapsedTime(_partialSince);
        if (waited < timeout)
        {
            Arm(context, timeout - waited);
            return;
        }
        var pending = InternalBuffer.ReadableBytes;
        var fault = new List<object>(1);
        Fail(InternalBuffer, fault, $"frame not completed within {timeout.TotalSeconds:0.###} s ({pending} bytes of it received)");
        context.FireChannelRead(fault[0]);
        context.FireChannelReadComplete();
    }

    private void Fail(IByteBuffer input, List<object> output, string why)
    {
        _failed = true;
        StopTimer();
        input.SkipBytes(input.ReadableBytes);
        output.Add(new ProtocolFault(why));
    }
}
