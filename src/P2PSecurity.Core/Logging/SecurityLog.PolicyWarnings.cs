using Microsoft.Extensions.Logging;

namespace P2PSecurity.Core.Logging;

public static partial class SecurityLog
{
    [LoggerMessage(1011, LogLevel.Warning, "policy_file_emptied path={Path}: the file is empty; revision {Revision}, the last good policy, stays in force until the file has content again (reload_security reload --accept-empty applies the embedded defaults)")]
    public static partial void PolicyFileEmptied(ILogger logger, string path, long revision);

    [LoggerMessage(1030, LogLevel.Warning, "policy_opened revision={Revision} trigger={Trigger}: ALLOWED_NODE_KEYS is now empty, whitelist mode is off; the node admits any authenticated node (was: {Before})")]
    public static partial void PolicyOpened(ILogger logger, long revision, string trigger, string before);

    [LoggerMessage(1031, LogLevel.Warning, "policy_empty_accepted revision={Revision} trigger={Trigger} path={Path}: the empty file was applied on purpose (--accept-empty); the embedded defaults are in force")]
    public static partial void PolicyEmptyAccepted(ILogger logger, long revision, string trigger, string path);
}
