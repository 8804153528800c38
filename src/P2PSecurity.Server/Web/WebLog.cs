using Microsoft.Extensions.Logging;

namespace P2PSecurity.Server.Web;

/// <summary>The HTTP listeners' log messages (dashboard and /metrics), with stable event ids.</summary>
internal static partial class WebLog
{
    [LoggerMessage(3100, LogLevel.Information, "metrics_listening url={Url}")]
    public static partial void MetricsListening(ILogger logger, string url);

    [LoggerMessage(3101, LogLevel.Information, "dashboard_listening url={Url} tls={Tls}")]
    public static partial void DashboardListening(ILogger logger, string url, bool tls);

    [LoggerMessage(3102, LogLevel.Information, "dashboard_token path={Path} created={Created}: log in with the token in that file")]
    public static partial void DashboardToken(ILogger logger, string path, bool created);

    [LoggerMessage(3103, LogLevel.Information, "dashboard_certificate path={Path} sha256={Fingerprint} created={Created}")]
    public static partial void DashboardCertificate(ILogger logger, string path, string fingerprint, bool created);

    /// <summary>Logged under the security log's category: a failed login is a security event.</summary>
    [LoggerMessage(3104, LogLevel.Warning, "dashboard_login_failed remote={Remote} reason={Reason}")]
    public static partial void LoginFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(3105, LogLevel.Information, "dashboard_login remote={Remote} method={Method}")]
    public static partial void LoginSucceeded(ILogger logger, string remote, string method);

    [LoggerMessage(3106, LogLevel.Information, "dashboard_change remote={Remote} action={Action} target={Target} revision={Revision}")]
    public static partial void Change(ILogger logger, string remote, string action, string target, long revision);
}
