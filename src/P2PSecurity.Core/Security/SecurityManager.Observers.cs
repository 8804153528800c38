using System.Net;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

public sealed partial class SecurityManager
{
    /// <summary>
    /// Raised when a node with a known key is refused at the node gate, so that an operator can see who is trying
    /// to connect (the control channel's <c>pending</c>). Runs on the deciding thread: handlers must be quick.
    /// </summary>
    public event EventHandler<NodeRefusedEventArgs>? NodeRefused;

    private void NotifyNodeRefused(IPAddress address, NodeKey? key, DenyReason reason)
    {
        var handler = NodeRefused;
        if (handler is null || key is not { } k)
        {
            return;
        }
        try
        {
            handler(this, new NodeRefusedEventArgs(k, address, reason, _time.GetUtcNow()));
        }
        catch (Exception ex)
        {
            // An observer's fault must not change or delay the decision, which is already a refusal.
            SecurityLog.InternalError(_logger, ex, "refusal_observer", address.ToString());
        }
    }
}
