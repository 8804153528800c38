namespace P2PSecurity.Core.Protocol;

/// <summary>
/// The sender ends the session in order; both sides close. Needed because DotNetty's TLS handler never sends a TLS
/// close_notify, so a bare close cannot be told apart from a cut connection.
/// </summary>
public sealed record GoodbyeMessage(GoodbyeReason Reason, string Text) : NodeMessage
{
    public override MessageType Type => MessageType.Goodbye;
}
