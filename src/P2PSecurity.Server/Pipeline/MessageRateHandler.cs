using DotNetty.Transport.Channels;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Step 6: every message of a welcomed session passes the manager's MESSAGE_RATE_LIMIT gate. A refused message is
/// dropped; <see cref="MessageFloodGuard"/> says whether to tell the peer (a Dropped notice) or, for a peer that
/// keeps going, to refuse and close. A Goodbye is never counted: leaving is always allowed.
/// </summary>
internal sealed class MessageRateHandler(ISecurityGate gate, ConnectionSlot slot, MessageFloodGuard guard) : ChannelHandlerAdapter
{
    private bool _closing;

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (_closing)
        {
            return;
        }
        if (message is not NodeMessage node || node is GoodbyeMessage)
        {
            context.FireChannelRead(message);
            return;
        }
        var decision = gate.Message(slot);
        if (decision.Allowed)
        {
            context.FireChannelRead(message);
            return;
        }
        switch (guard.OnDropped())
        {
            case FloodVerdict.DropAndNotify:
                context.WriteAndFlushAsync(new DroppedMessage(decision.Reason, node.Type, (node as BroadcastMessage)?.Id));
                break;
            case FloodVerdict.Disconnect:
                _closing = true;
                gate.ReportMessageFlood(slot);
                ChannelClosing.Refuse(context, decision.Reason);
                break;
        }
    }
}
