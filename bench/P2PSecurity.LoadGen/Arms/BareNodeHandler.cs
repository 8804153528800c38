using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.LoadGen.Arms;

/// <summary>
/// The bare baseline's protocol: the node handshake's messages with no decision behind them (every client is
/// welcomed, anonymously, with no proof), then Ping/Pong until Goodbye.
/// </summary>
internal sealed class BareNodeHandler(NodeKey serverKey, BareNodeHandler.Counters counters) : ChannelHandlerAdapter
{
    private bool _welcomed;

    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is TlsHandshakeCompletionEvent { IsSuccessful: true })
        {
            context.WriteAndFlushAsync(new ServerHelloMessage(ProtocolConstants.Version, false, true, NetworkKeyProof.NewChallenge(), serverKey));
        }
        context.FireUserEventTriggered(evt);
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        switch (message)
        {
            case ClientHelloMessage when !_welcomed:
                _welcomed = true;
                counters.OnWelcomed();
                var defaults = SecurityPolicy.Defaults;
                context.WriteAndFlushAsync(new WelcomeMessage(null, defaults.MaxFrameSize, defaults.MessageRateLimit.Count,
                    (int)defaults.MessageRateLimit.Period.TotalSeconds, null));
                break;
            case PingMessage ping when _welcomed:
                context.WriteAndFlushAsync(new PongMessage(ping.Data));
                break;
            case GoodbyeMessage:
                context.CloseAsync();
                break;
            default:
                context.WriteAndFlushAsync(RefusalMessage.For(DenyReason.ProtocolViolation)).ContinueWith(
                    static (_, c) => ((IChannelHandlerContext)c!).CloseAsync(), context, TaskContinuationOptions.ExecuteSynchronously);
                break;
        }
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        if (_welcomed)
        {
            counters.OnClosed();
        }
        context.FireChannelInactive();
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception) => context.CloseAsync();

    /// <summary>Shared by every connection of one bare server.</summary>
    public sealed class Counters
    {
        private long _welcomed;
        private long _sessions;

        public long Welcomed => Interlocked.Read(ref _welcomed);

        public long Sessions => Interlocked.Read(ref _sessions);

        public void OnWelcomed()
        {
            Interlocked.Increment(ref _welcomed);
            Interlocked.Increment(ref _sessions);
        }

        public void OnClosed() => Interlocked.Decrement(ref _sessions);
    }
}
