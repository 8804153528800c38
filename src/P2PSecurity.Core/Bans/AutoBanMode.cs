namespace P2PSecurity.Core.Bans;

/// <summary>AUTO_BAN: off, log (a dry run that logs <c>auto_ban_would_ban</c>), or on.</summary>
public enum AutoBanMode : byte
{
    Off = 0,
    Log = 1,
    On = 2,
}
