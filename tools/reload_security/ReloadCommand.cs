using System.CommandLine;

namespace P2PSecurity.Tools.ReloadSecurity;

internal static class ReloadCommand
{
    public static Command Create()
    {
        var command = new Command("reload", "Make the running server re-read the policy file now; prints what changed, or the errors (the old policy stays)");
        command.SetAction((parse, ct) => new ReloadRequester(ToolContext.From(parse)).RunAsync(ct));
        return command;
    }
}
