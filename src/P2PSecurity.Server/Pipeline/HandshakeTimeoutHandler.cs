using DotNetty.Common.Concurrency;
using DotNetty.Transport.Channels;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Step 2: closes a connection that has not completed TLS and the node handshake in time, so that a slow or silent
/// client cannot hold a slot. The handshake handler removes this handler when the peer is welcomed.
/// </summary>
internal sealed class HandshakeTimeoutHandler(TimeSpan timeout, Action<IChannel>? onTimeout = null) : ChannelHandlerAdapter
{
    private IScheduledTask? _timer;

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

    public override void HandlerRemoved(IChannelHandlerContext context) => _timer?.Cancel();

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        _timer?.Cancel();
        context.FireChannelInactive();
    }

    private void Start(IChannelHandlerContext context)
    {
        if (_timer is not null)
        {
            return;
        }
        _timer = context.Executor.Schedule(() =>
        {
            if (context.Channel.Active)
            {
                onTimeout?.Invoke(context.Channel);
                context.CloseAsync();
            }
        }, timeout);
    }
}
