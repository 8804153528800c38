using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Live eviction: when a reload refuses this connection, the manager calls the slot's eviction callback (on the
/// reloading thread); this handler moves it to the connection's event loop, tells the peer with a Refusal when TLS
/// is up, and closes within <see cref="ChannelClosing.LastMessageBound"/>. It sits after TLS to see when TLS is up.
/// </summary>
internal sealed class EvictionHandler(ConnectionSlot slot, ISecurityGate gate) : ChannelHandlerAdapter
{
    private bool _tlsReady;

    public override void HandlerAdded(IChannelHandlerContext context)
    {
        var channel = context.Channel;
        slot.OnEvict(decision => channel.EventLoop.Execute(() => Evict(channel, decision)));
        // A reload between the accept gate and this point found no callback to call; ask again now.
        var now = gate.Live(slot);
        if (!now.Allowed)
        {
            channel.EventLoop.Execute(() => Evict(channel, now));
        }
    }

    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is TlsHandshakeCompletionEvent { IsSuccessful: true })
        {
            _tlsReady = true;
        }
        context.FireUserEventTriggered(evt);
    }

    private void Evict(IChannel channel, SecurityDecision decision)
    {
        if (!channel.Active)
        {
            return;
        }
        if (_tlsReady)
        {
            ChannelClosing.SendAndClose(channel, RefusalMessage.For(decision.Reason));
        }
        else
        {
            channel.CloseAsync();
        }
    }
}
