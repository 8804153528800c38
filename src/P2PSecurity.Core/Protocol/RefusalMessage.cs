using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Protocol;

/// <summary>The sender refuses the connection (at the handshake, or later on eviction) and closes it.</summary>
public sealed record RefusalMessage(DenyReason Reason, string Text) : NodeMessage
{
    public override MessageType Type => MessageType.Refusal;

    public static RefusalMessage For(DenyReason reason) => new(reason, reason.Code());
}
