using System.CommandLine;

namespace P2PSecurity.Tools.ReloadSecurity;

internal static class ReloadCommand
{
    public static Command Create()
    {
        var acceptEmpty = new Option<bool>("--accept-empty")
        {
            Description = "Apply an emptied policy file: the embedded defaults, with nothing blocked and no allow list (without it the last good policy stays)",
        };
        var command = new Command("reload", "Make the running server re-read the policy file now; prints what changed, or the errors (the old policy stays)") { acceptEmpty };
        command.SetAction((parse, ct) => new ReloadRequester(ToolContext.From(parse)).RunAsync(parse.GetValue(acceptEmpty), ct));
        return command;
    }
}
