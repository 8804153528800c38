using System.Net;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Transport;

/// <summary>A welcomed connection, inbound or dialled by us.</summary>
internal sealed class NodeSession(IChannel channel, ConnectionSlot slot, NodeKey? nodeKey, bool outbound, DateTimeOffset since)
{
    public IChannel Channel { get; } = channel;
    public ConnectionSlot Slot { get; } = slot;

    /// <summary>The peer's node key; null for a peer let in without a certificate (authentication not required).</summary>
    public NodeKey? NodeKey { get; } = nodeKey;

    public bool Outbound { get; } = outbound;
    public DateTimeOffset Since { get; } = since;

    public IPEndPoint? RemoteEndPoint => Channel.RemoteAddress as IPEndPoint;

    public long Id => Slot.Id;
}
