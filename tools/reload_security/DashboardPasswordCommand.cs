using System.CommandLine;

namespace P2PSecurity.Tools.ReloadSecurity;

internal static class DashboardPasswordCommand
{
    public static Command Create()
    {
        var command = new Command("dashboard-password",
            "Set a dashboard login password instead of the token: typed without echo (or one line on stdin when it is not a terminal); the server keeps only a salted hash");
        command.SetAction((parse, ct) => new DashboardRequester(ToolContext.From(parse)).PasswordAsync(PasswordReader.FromConsole(), ct));
        return command;
    }
}
