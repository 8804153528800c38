namespace P2PSecurity.Core.Protocol;

/// <summary>Why a peer ends a session in order. Values are on the wire.</summary>
public enum GoodbyeReason : byte
{
    /// <summary>The peer is leaving.</summary>
    Leaving = 0,

    /// <summary>The server is shutting down.</summary>
    ShuttingDown = 1,
}
