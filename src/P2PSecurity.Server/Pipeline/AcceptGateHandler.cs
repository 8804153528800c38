using System.Net;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Step 1, on the server channel: every accepted child passes here before it is registered, so a refused address
/// gets no pipeline, no TLS and no byte: its socket is closed at once. An admitted child carries its slot in an
/// attribute, and the slot is released exactly once, when the child's close completes (whatever closed it).
/// </summary>
internal sealed class AcceptGateHandler(ISecurityGate gate, TimeProvider time) : ChannelHandlerAdapter
{
    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        var child = (IChannel)message;
        var remote = (child.RemoteAddress as IPEndPoint)?.Address;
        // No address means the peer is already gone; there is nothing to decide on and nothing to keep.
        var result = remote is null ? default : ConnectionAdmission.Admit(gate, remote, outbound: false);
        if (!result.Allowed || result.Slot is null)
        {
            child.Unsafe.CloseForcibly();
            return;
        }
        var slot = result.Slot;
        child.GetAttribute(ChannelAttributes.Slot).Set(slot);
        child.GetAttribute(ChannelAttributes.AcceptedAt).Set(new AcceptedAt(time.GetTimestamp()));
        ConnectionAdmission.ReleaseOnClose(child, slot);
        context.FireChannelRead(child);
    }
}
