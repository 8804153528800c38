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
/// <remarks>
/// This runs on the listener's one accept loop. When the policy file changed, the gate reloads it on a worker and
/// the decision completes later: the child waits, unregistered, and is finished back on this loop once the new
/// policy is in force, while the loop goes on accepting (and refusing blocked addresses). The gate decides the
/// waiting children in the order they arrived; this handler only acts on each decision.
/// </remarks>
internal sealed class AcceptGateHandler(ISecurityGate gate, TimeProvider time) : ChannelHandlerAdapter
{
    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        var child = (IChannel)message;
        var remote = (child.RemoteAddress as IPEndPoint)?.Address;
        if (remote is null)
        {
            // No address means the peer is already gone; there is nothing to decide on and nothing to keep.
            child.Unsafe.CloseForcibly();
            return;
        }
        var acceptedAt = time.GetTimestamp();
        var pending = gate.AcceptAsync(remote, outbound: false);
        if (pending.IsCompletedSuccessfully)
        {
            Finish(context, child, pending.Result, acceptedAt);
            return;
        }
        pending.AsTask().ContinueWith(static (task, state) =>
        {
            var (context, child, handler, acceptedAt) = ((IChannelHandlerContext, IChannel, AcceptGateHandler, long))state!;
            // A faulted decision (the fail-closed gate turns faults into refusals) refuses: default(AcceptResult) is a denial.
            var result = task.IsCompletedSuccessfully ? task.Result : default;
            context.Executor.Execute(() => handler.Finish(context, child, result, acceptedAt));
        }, (context, child, this, acceptedAt), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Finish(IChannelHandlerContext context, IChannel child, AcceptResult result, long acceptedAt)
    {
        if (!result.Allowed || result.Slot is null)
        {
            child.Unsafe.CloseForcibly();
            return;
        }
        var slot = result.Slot;
        child.GetAttribute(ChannelAttributes.Slot).Set(slot);
        child.GetAttribute(ChannelAttributes.AcceptedAt).Set(new AcceptedAt(acceptedAt));
        ConnectionAdmission.ReleaseOnClose(child, slot);
        context.FireChannelRead(child);
    }
}
