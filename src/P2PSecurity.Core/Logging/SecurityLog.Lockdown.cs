using Microsoft.Extensions.Logging;

namespace P2PSecurity.Core.Logging;

public static partial class SecurityLog
{
    [LoggerMessage(1050, LogLevel.Critical, "lockdown_engaged mode={Mode} reason={Reason} until={Until}: new connections are refused")]
    public static partial void LockdownEngaged(ILogger logger, string mode, string reason, string until);

    [LoggerMessage(1051, LogLevel.Warning, "lockdown_lifted by={By}")]
    public static partial void LockdownLifted(ILogger logger, string by);

    [LoggerMessage(1052, LogLevel.Critical, "lockdown_restored mode={Mode} reason={Reason} state_file={Path}: the server starts locked down")]
    public static partial void LockdownRestored(ILogger logger, string mode, string reason, string path);

    [LoggerMessage(1053, LogLevel.Critical, "lockdown_state_unreadable path={Path} error={Error}: locked down (fail closed) until an operator lifts it")]
    public static partial void LockdownStateUnreadable(ILogger logger, string path, string error);

    [LoggerMessage(1054, LogLevel.Error, "lockdown_persist_failed path={Path} error={Error}: the change is in force but will not survive a restart")]
    public static partial void LockdownPersistFailed(ILogger logger, string path, string error);

    [LoggerMessage(1055, LogLevel.Warning, "lockdown_state_migrated from={Path} to={Database} mode={Mode}: the old state file is now {Renamed}")]
    public static partial void LockdownStateMigrated(ILogger logger, string path, string database, string mode, string renamed);

    [LoggerMessage(1056, LogLevel.Warning, "lockdown_state_file_ignored path={Path} database={Database}: the database holds the lockdown; move the old file away")]
    public static partial void LockdownStateFileIgnored(ILogger logger, string path, string database);
}
