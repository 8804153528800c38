using System.CommandLine;

namespace P2PSecurity.Tools.ReloadSecurity;

internal static class CheckCommand
{
    public static Command Create()
    {
        var command = new Command("check",
            "Validate the policy file without changing anything (like nginx -t); when the server runs, show what a reload would change and which connections it would refuse");
        command.SetAction((parse, ct) => new PolicyChecker(ToolContext.From(parse)).RunAsync(ct));
        return command;
    }
}
