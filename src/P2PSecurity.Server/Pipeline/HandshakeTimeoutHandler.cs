using DotNetty.Common.Concurrency;
using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Step 2: closes a connection that has not completed TLS and the node handshake in time, so that a slow or silent
/// client cannot hold a slot. The handshake handler removes this handler when the peer is welcomed.
/// </summary>
/// <remarks>
/// For an accepted connection the time counts from the accept gate (<paramref name="acceptedAt"/>): under a burst,
/// a channel can wait in a busy worker loop's queue before it is registered, and that wait is part of the client's
/// time. A connection already past its deadline when the pipeline starts is closed at once, before any TLS work is
/// spent on it. Without <paramref name="acceptedAt"/> (a dialled connection) the time counts from channel activation.
/// Bytes that arrive after the deadline are dropped and the connection closed before they reach TLS: when a burst of
/// handshakes backs up the worker loop, the timer's task waits behind them, and without this check the server would
/// spend a full TLS handshake on a connection it is about to close, which makes every later handshake later still.
/// </remarks>
internal sealed class HandshakeTimeoutHandler(TimeSpan timeout, Action<IChannel>? onTimeout = null, TimeProvider? time = null, AcceptedAt? acceptedAt = null)
    : ChannelHandlerAdapter
{
    private IScheduledTask? _timer;
    private bool _started;
    private long _deadline;

    public override void HandlerAdded(IChannelHandlerContext context)
    {
        if (context.Channel.Active && context.Channel.Registered)
        {
            Start(context);
        }
    }

    public override void ChannelActive(IChannelHandlerContext context)
    {
        Start(context);
        context.FireChannelActive();
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (_started && time is not null && time.GetTimestamp() >= _deadline)
        {
            ReferenceCountUtil.Release(message);
            Expire(context);
            return;
        }
        context.FireChannelRead(message);
    }

    public override void HandlerRemoved(IChannelHandlerContext context) => _timer?.Cancel();

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        _timer?.Cancel();
        context.FireChannelInactive();
    }

    private void Start(IChannelHandlerContext context)
    {
        if (_started)
        {
            return;
        }
        _started = true;
        var remaining = time is not null && acceptedAt is not null ? timeout - time.GetElapsedTime(acceptedAt.Timestamp) : timeout;
        if (time is not null)
        {
            _deadline = time.GetTimestamp() + (long)(Math.Max(0, remaining.TotalSeconds) * time.TimestampFrequency);
        }
        if (remaining <= TimeSpan.Zero)
        {
            Expire(context);
            return;
        }
        _timer = context.Executor.Schedule(() => Expire(context), remaining);
    }

    private void Expire(IChannelHandlerContext context)
    {
        if (context.Channel.Active)
        {
            onTimeout?.Invoke(context.Channel);
            context.CloseAsync();
        }
    }
}
