namespace P2PSecurity.Core.Control;

/// <summary>The answer to <c>ban</c> and <c>unban</c>: what changed, once it is stored and in force.</summary>
public sealed class BanChangeInfo
{
    /// <summary><c>added</c>, <c>updated</c> (the target was banned already), <c>removed</c> or <c>not_found</c>.</summary>
    public string Outcome { get; set; } = string.Empty;

    /// <summary>The ban in force now (ban), or the ban removed (unban).</summary>
    public BanInfo? Ban { get; set; }

    /// <summary>The automatic ban dropped to make room under MAX_BANS.</summary>
    public BanInfo? Displaced { get; set; }

    /// <summary>Live sessions the ban closed.</summary>
    public int SessionsClosed { get; set; }
}
