namespace P2PSecurity.Core.Protocol;

/// <summary>One protocol message, the body of one frame (docs/PROTOCOL.md).</summary>
public abstract record NodeMessage
{
    public abstract MessageType Type { get; }
}
