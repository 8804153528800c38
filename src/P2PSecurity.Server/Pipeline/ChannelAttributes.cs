using DotNetty.Common.Utilities;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Pipeline;

/// <summary>What the accept gate hands to the child pipeline.</summary>
internal static class ChannelAttributes
{
    /// <summary>The connection's slot, set by the accept gate (or the dialer) before the channel is registered.</summary>
    public static readonly AttributeKey<ConnectionSlot> Slot = AttributeKey<ConnectionSlot>.ValueOf("p2psecurity.slot");

    /// <summary>
    /// When the accept gate admitted the connection. The handshake deadline counts from here, not from when a busy
    /// worker loop got round to registering the channel: time spent in that queue is time the client already holds.
    /// </summary>
    public static readonly AttributeKey<AcceptedAt> AcceptedAt = AttributeKey<AcceptedAt>.ValueOf("p2psecurity.accepted-at");
}
