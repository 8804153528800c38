namespace P2PSecurity.Core.Security;

/// <summary>What to do with a message the rate gate refused.</summary>
public enum FloodVerdict
{
    /// <summary>Drop it; the peer was told recently.</summary>
    Drop,

    /// <summary>Drop it and tell the peer (a Dropped notice).</summary>
    DropAndNotify,

    /// <summary>The peer keeps going after being told: refuse and close the connection.</summary>
    Disconnect,
}
