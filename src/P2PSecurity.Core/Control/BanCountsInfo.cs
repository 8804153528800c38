namespace P2PSecurity.Core.Control;

/// <summary>The bans part of <c>status</c>.</summary>
public sealed class BanCountsInfo
{
    public int Active { get; set; }

    /// <summary>Active bans per source (<c>operator</c>, <c>automatic</c>).</summary>
    public Dictionary<string, int> BySource { get; set; } = [];

    public int MaxBans { get; set; }

    /// <summary>AUTO_BAN in force: <c>off</c>, <c>log</c> or <c>on</c>.</summary>
    public string AutoBan { get; set; } = string.Empty;

    /// <summary>Offenders whose strikes and ban history are remembered.</summary>
    public int Offenders { get; set; }

    /// <summary>The state database file.</summary>
    public string? Database { get; set; }
}
