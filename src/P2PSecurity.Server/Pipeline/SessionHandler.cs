using DotNetty.Transport.Channels;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Hosting;
using P2PSecurity.Server.Transport;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Step 7, the application: ping/pong, goodbye, broadcast relay. Registers the session while it lives. Anything
/// that belongs to the handshake, or does not decode, is a protocol violation: refused and closed.
/// </summary>
internal sealed class SessionHandler(PipelineServices services, NodeSession session) : ChannelHandlerAdapter
{
    private bool _closing;
    private string _closeReason = "connection_closed";

    public override void HandlerAdded(IChannelHandlerContext context)
    {
        services.Sessions.Add(session);
        // The channel may have closed while the handlers were being swapped; the close path must still run.
        if (!context.Channel.Active)
        {
            services.Sessions.Remove(session);
        }
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        services.Sessions.Remove(session);
        if (services.Gate.Policy.LogSecurityEvents)
        {
            SecurityLog.SessionClosed(services.Logger, session.Slot.Address.ToString(), session.NodeKey?.ToShortString() ?? "anonymous", _closeReason);
        }
        context.FireChannelInactive();
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (_closing)
        {
            return;
        }
        switch (message)
        {
            case PingMessage ping:
                context.WriteAndFlushAsync(new PongMessage(ping.Data));
                break;
            case PongMessage or DroppedMessage:
                break;
            case BroadcastMessage broadcast:
                var decision = services.Relay.Relay(session, broadcast);
                if (!decision.Allowed)
                {
                    context.WriteAndFlushAsync(new DroppedMessage(decision.Reason, MessageType.Broadcast, broadcast.Id));
                }
                break;
            case GoodbyeMessage:
                _closing = true;
                _closeReason = "goodbye";
                context.CloseAsync();
                break;
            case RefusalMessage refusal:
                _closing = true;
                _closeReason = "refused_by_peer:" + refusal.Reason.Code();
                context.CloseAsync();
                break;
            default:
                _closing = true;
                // What broke the protocol, for the operator reading session_closed (e.g. a frame not finished in time).
                _closeReason = message is ProtocolFault fault
                    ? $"{DenyReason.ProtocolViolation.Code()} ({LogText.Escape(fault.Detail)})"
                    : DenyReason.ProtocolViolation.Code();
                services.Gate.ReportRefusal(session.Slot.Address, session.NodeKey, DenyReason.ProtocolViolation);
                ChannelClosing.Refuse(context, DenyReason.ProtocolViolation);
                break;
        }
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        ServerLog.ConnectionFault(services.Logger, session.Slot.Address.ToString(), exception.GetType().Name);
        context.CloseAsync();
    }
}
