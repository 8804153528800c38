using System.CommandLine;

namespace P2PSecurity.Tools.ReloadSecurity;

internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show the running server's view: revision, last reload, mode, counts, connections, refusals, limits");
        command.SetAction((parse, ct) => new StatusReport(ToolContext.From(parse)).RunAsync(ct));
        return command;
    }
}
