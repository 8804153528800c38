using Microsoft.Extensions.Logging;

namespace P2PSecurity.Core.Logging;

public static partial class SecurityLog
{
    [LoggerMessage(4000, LogLevel.Information, "bans_loaded active={Active} offenders={Offenders}")]
    public static partial void BansLoaded(ILogger logger, int active, int offenders);

    [LoggerMessage(4001, LogLevel.Warning, "ban_added target={Target} source={Source} reason={Reason} expires={Expires}")]
    public static partial void BanAdded(ILogger logger, string target, string source, string reason, string expires);

    [LoggerMessage(4002, LogLevel.Information, "ban_removed target={Target} source={Source}")]
    public static partial void BanRemoved(ILogger logger, string target, string source);

    [LoggerMessage(4003, LogLevel.Information, "ban_expired target={Target} source={Source}")]
    public static partial void BanExpired(ILogger logger, string target, string source);

    [LoggerMessage(4004, LogLevel.Information, "bans_expired count={Count}")]
    public static partial void BansExpired(ILogger logger, int count);

    [LoggerMessage(4005, LogLevel.Warning, "auto_ban target={Target} strikes={Strikes} last={Offence} for={Duration} ban_number={Number}")]
    public static partial void AutoBan(ILogger logger, string target, int strikes, string offence, string duration, int number);

    [LoggerMessage(4006, LogLevel.Warning, "auto_ban_would_ban target={Target} strikes={Strikes} last={Offence} for={Duration} ban_number={Number} (AUTO_BAN=log: nothing banned)")]
    public static partial void AutoBanWouldBan(ILogger logger, string target, int strikes, string offence, string duration, int number);

    [LoggerMessage(4007, LogLevel.Warning, "auto_ban_skipped target={Target} strikes={Strikes}: a welcomed allowed node is connected from there")]
    public static partial void AutoBanSkippedAllowedNode(ILogger logger, string target, int strikes);

    [LoggerMessage(4008, LogLevel.Error, "ban_table_full target={Target} source={Source}: MAX_BANS={MaxBans} bans are held and none may be dropped")]
    public static partial void BanTableFull(ILogger logger, string target, string source, int maxBans);

    [LoggerMessage(4009, LogLevel.Warning, "ban_displaced target={Target}: the automatic ban closest to expiry made room (MAX_BANS={MaxBans})")]
    public static partial void BanDisplaced(ILogger logger, string target, int maxBans);

    [LoggerMessage(4010, LogLevel.Error, "ban_store_failed stage={Stage}: {Message}")]
    public static partial void BanStoreFailed(ILogger logger, string stage, string message);

    [LoggerMessage(4011, LogLevel.Warning, "session_banned remote={Remote} node={Node} reason={Reason}")]
    public static partial void SessionBanned(ILogger logger, string remote, string node, string reason);
}
