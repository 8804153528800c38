namespace P2PSecurity.Core.Bans;

public enum BanOutcomeStatus
{
    /// <summary>A new ban is in force.</summary>
    Added,

    /// <summary>The target was banned already; its ban now has the new length, reason and source.</summary>
    Updated,

    /// <summary>The ban is gone.</summary>
    Removed,

    /// <summary>There was no ban on the target.</summary>
    NotFound,

    /// <summary>MAX_BANS bans are held and all are operator bans: nothing may be dropped to make room.</summary>
    Full,
}
