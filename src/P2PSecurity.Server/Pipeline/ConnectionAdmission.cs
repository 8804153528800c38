using System.Net;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// What every connection goes through, accepted (<see cref="AcceptGateHandler"/>) or dialled
/// (<see cref="Transport.BootstrapDialer"/>): one admission, and one release path for its slot.
/// </summary>
internal static class ConnectionAdmission
{
    /// <summary>The sources look for changes (the file's metadata), then the accept stage decides on the address.</summary>
    public static AcceptResult Admit(ISecurityGate gate, IPAddress remote, bool outbound)
    {
        gate.Refresh();
        return gate.Accept(remote, outbound);
    }

    /// <summary>
    /// Binds the slot to the channel: the slot is released when the channel's close completes, whatever closed it
    /// (a refusal, the peer, a failed connect, shutdown). This is the only place the transport releases a slot.
    /// </summary>
    public static void ReleaseOnClose(IChannel channel, ConnectionSlot slot) =>
        channel.CloseCompletion.ContinueWith(static (_, s) => ((ConnectionSlot)s!).Release(), slot, TaskContinuationOptions.ExecuteSynchronously);
}
