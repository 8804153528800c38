using System.CommandLine;

namespace P2PSecurity.Tools.ReloadSecurity;

internal static class DashboardUrlCommand
{
    public static Command Create()
    {
        var command = new Command("dashboard-url",
            "Print a dashboard login URL with a one-time code: it works once, within 2 minutes; the long-lived token is never in it");
        command.SetAction((parse, ct) => new DashboardRequester(ToolContext.From(parse)).UrlAsync(ct));
        return command;
    }
}
