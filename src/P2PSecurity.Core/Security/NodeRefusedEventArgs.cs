using System.Net;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>A node whose key is known was refused at the node gate (or by the transport, with its key).</summary>
public sealed class NodeRefusedEventArgs(NodeKey key, IPAddress address, DenyReason reason, DateTimeOffset at) : EventArgs
{
    public NodeKey Key { get; } = key;
    public IPAddress Address { get; } = address;
    public DenyReason Reason { get; } = reason;
    public DateTimeOffset At { get; } = at;
}
