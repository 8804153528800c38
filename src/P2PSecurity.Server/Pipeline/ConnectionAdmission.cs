using DotNetty.Transport.Channels;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// The one release path of a slot, for accepted (<see cref="AcceptGateHandler"/>) and dialled
/// (<see cref="Transport.BootstrapDialer"/>) connections alike; both are admitted by
/// <see cref="ISecurityGate.AcceptAsync"/>.
/// </summary>
internal static class ConnectionAdmission
{
    /// <summary>
    /// Binds the slot to the channel: the slot is released when the channel's close completes, whatever closed it
    /// (a refusal, the peer, a failed connect, shutdown). This is the only place the transport releases a slot.
    /// </summary>
    public static void ReleaseOnClose(IChannel channel, ConnectionSlot slot) =>
        channel.CloseCompletion.ContinueWith(static (_, s) => ((ConnectionSlot)s!).Release(), slot, TaskContinuationOptions.ExecuteSynchronously);
}
