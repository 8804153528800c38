using Microsoft.Extensions.Logging;

namespace P2PSecurity.Core.Logging;

public static partial class SecurityLog
{
    [LoggerMessage(1011, LogLevel.Warning, "policy_file_emptied path={Path} age_ms={AgeMs}: probably being rewritten in place; revision {Revision} stays in force until it has content (or stays empty for 2 s)")]
    public static partial void PolicyFileEmptied(ILogger logger, string path, long ageMs, long revision);

    [LoggerMessage(1030, LogLevel.Warning, "policy_opened revision={Revision} trigger={Trigger}: ALLOWED_NODE_KEYS is now empty, whitelist mode is off; the node admits any authenticated node (was: {Before})")]
    public static partial void PolicyOpened(ILogger logger, long revision, string trigger, string before);
}
