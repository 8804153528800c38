using System.CommandLine;

namespace P2PSecurity.Tools.ManageTrustedNodes;

internal static class PendingCommand
{
    public static Command Create()
    {
        var command = new Command("pending", "Show node keys the running server recently refused at the node gate (to approve one: add KEY)");
        command.SetAction((parse, ct) => new PendingReport(ToolContext.From(parse)).RunAsync(ct));
        return command;
    }
}
