using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Protocol;

/// <summary>
/// Tells the sender that a message of its was dropped and why; the session stays open. <see cref="BroadcastId"/>
/// names the broadcast when the dropped message was one.
/// </summary>
public sealed record DroppedMessage(DenyReason Reason, MessageType DroppedType, byte[]? BroadcastId) : NodeMessage
{
    public override MessageType Type => MessageType.Dropped;
}
