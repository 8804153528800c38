using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Logging;
using P2PSecurity.Server.Web;

namespace P2PSecurity.Server.Dashboard;

/// <summary>The dashboard's security events, written to the security log (its category), so they show in the events page too.</summary>
internal static class DashboardLog
{
    public static void LoginFailed(HttpContext context, string reason) =>
        WebLog.LoginFailed(Security(context), Remote(context), reason);

    public static void LoginSucceeded(HttpContext context, string method) =>
        WebLog.LoginSucceeded(Security(context), Remote(context), method);

    public static void Change(HttpContext context, string action, string target, long revision) =>
        WebLog.Change(Security(context), Remote(context), action, LogText.Escape(target), revision);

    public static string Remote(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "-";

    private static ILogger Security(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(SecurityLog.CategoryName);
}
