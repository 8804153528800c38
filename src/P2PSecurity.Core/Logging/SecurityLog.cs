using Microsoft.Extensions.Logging;

namespace P2PSecurity.Core.Logging;

/// <summary>
/// The security log's messages, one per event and rejection reason, with stable event ids so that operators can
/// filter and alert on them. Callers pass only escaped or server-made text (see <see cref="LogText"/>).
/// </summary>
public static partial class SecurityLog
{
    public const string CategoryName = "P2PSecurity.Security";

    [LoggerMessage(1000, LogLevel.Information, "policy_loaded revision={Revision} source={Source} mode={Mode}")]
    public static partial void PolicyLoaded(ILogger logger, long revision, string source, string mode);

    [LoggerMessage(1001, LogLevel.Information, "policy_reloaded revision={Revision} trigger={Trigger} changes={ChangeCount} sessions_closed={SessionsClosed}")]
    public static partial void PolicyReloaded(ILogger logger, long revision, string trigger, int changeCount, int sessionsClosed);

    [LoggerMessage(1002, LogLevel.Information, "policy_change revision={Revision} {Change}")]
    public static partial void PolicyChange(ILogger logger, long revision, string change);

    [LoggerMessage(1003, LogLevel.Error, "policy_rejected trigger={Trigger} errors={ErrorCount} kept_revision={Revision}: the previous policy stays in force")]
    public static partial void PolicyRejected(ILogger logger, string trigger, int errorCount, long revision);

    [LoggerMessage(1004, LogLevel.Error, "policy_error {Diagnostic}")]
    public static partial void PolicyError(ILogger logger, string diagnostic);

    [LoggerMessage(1005, LogLevel.Warning, "policy_warning {Diagnostic}")]
    public static partial void PolicyWarning(ILogger logger, string diagnostic);

    [LoggerMessage(1006, LogLevel.Warning, "policy_file_missing path={Path}: keeping revision {Revision} in force")]
    public static partial void PolicyFileMissing(ILogger logger, string path, long revision);

    [LoggerMessage(1007, LogLevel.Warning, "policy_file_unreadable path={Path} error={Error}: keeping revision {Revision} in force")]
    public static partial void PolicyFileUnreadable(ILogger logger, string path, string error, long revision);

    [LoggerMessage(1008, LogLevel.Critical, "security_disabled revision={Revision}: ENABLE_P2P_SECURITY=false, every gate is OPEN; no address, key or rate is checked")]
    public static partial void SecurityDisabled(ILogger logger, long revision);

    [LoggerMessage(1009, LogLevel.Information, "policy_defaults path={Path} does not exist: running on the embedded defaults")]
    public static partial void PolicyDefaults(ILogger logger, string path);

    [LoggerMessage(1010, LogLevel.Error, "internal_error stage={Stage} remote={Remote}: denied (fail closed)")]
    public static partial void InternalError(ILogger logger, Exception exception, string stage, string remote);

    [LoggerMessage(1100, LogLevel.Information, "network_key_in_force fingerprint={Fingerprint} source={Source} previous={Previous}")]
    public static partial void NetworkKeyInForce(ILogger logger, string fingerprint, string source, string previous);

    [LoggerMessage(1101, LogLevel.Warning, "network_key_rotated old={Old} new={New} revision={Revision}")]
    public static partial void NetworkKeyRotated(ILogger logger, string old, string @new, long revision);

    [LoggerMessage(2000, LogLevel.Warning, "connection_refused remote={Remote} node={Node} reason={Reason}: {Detail}")]
    public static partial void Refused(ILogger logger, string remote, string node, string reason, string detail);

    [LoggerMessage(2001, LogLevel.Warning, "rejections_summarized {Count} more rejections from {Remote} in the last {Seconds} s ({Reasons})")]
    public static partial void RejectionsSummarized(ILogger logger, string count, string remote, int seconds, string reasons);

    [LoggerMessage(2002, LogLevel.Information, "node_welcomed remote={Remote} node={Node}")]
    public static partial void NodeWelcomed(ILogger logger, string remote, string node);

    [LoggerMessage(2003, LogLevel.Warning, "session_evicted remote={Remote} node={Node} reason={Reason} revision={Revision}")]
    public static partial void SessionEvicted(ILogger logger, string remote, string node, string reason, long revision);

    [LoggerMessage(2004, LogLevel.Information, "session_closed remote={Remote} node={Node} reason={Reason}")]
    public static partial void SessionClosed(ILogger logger, string remote, string node, string reason);
}
