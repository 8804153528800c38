using System.CommandLine;

namespace P2PSecurity.Tools.ManageTrustedNodes;

internal static class ListCommand
{
    public static Command Create()
    {
        var command = new Command("list", "Show the allowed keys, blocked keys and blocked addresses in the file, with their labels");
        command.SetAction(parse => new NodeLister(ToolContext.From(parse)).Run());
        return command;
    }
}
