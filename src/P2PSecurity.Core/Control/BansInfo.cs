namespace P2PSecurity.Core.Control;

/// <summary>The answer to <c>bans</c>: the active bans, most recent first.</summary>
public sealed class BansInfo
{
    public List<BanInfo> Bans { get; set; } = [];

    /// <summary>Active bans in all (the list is cut at <see cref="ControlProtocol.MaxBansListed"/>).</summary>
    public int Total { get; set; }

    public bool Truncated { get; set; }

    /// <summary>Active bans per source (<c>operator</c>, <c>automatic</c>).</summary>
    public Dictionary<string, int> BySource { get; set; } = [];

    public int MaxBans { get; set; }

    /// <summary>The server's time the list was made at (time left is counted from it).</summary>
    public DateTimeOffset Now { get; set; }
}
