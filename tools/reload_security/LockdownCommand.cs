using System.CommandLine;
using P2PSecurity.Core.Lockdown;

namespace P2PSecurity.Tools.ReloadSecurity;

internal static class LockdownCommand
{
    public static Command Create()
    {
        var action = new Argument<string?>("action")
        {
            Description = "on, off, or nothing to show the state",
            Arity = ArgumentArity.ZeroOrOne,
        };
        action.AcceptOnlyFromAmong("on", "off");
        var allowTrusted = new Option<bool>("--allow-trusted") { Description = "on: let keys in ALLOWED_NODE_KEYS through TLS and keep their sessions" };
        var keepSessions = new Option<bool>("--keep-sessions") { Description = "on: leave open sessions alone; refuse only new connections" };
        var duration = new Option<string?>("--for") { Description = "on: lift it after this long (90s, 30min, 2h, 1d; a bare number is seconds)", HelpName = "duration" };
        var reason = new Option<string?>("--reason") { Description = "on: why, for the log and status (one line, at most 200 characters)", HelpName = "text" };
        var command = new Command("lockdown",
            "The kill switch: 'on' refuses every new connection before TLS and closes open sessions within a second, 'off' lifts it; without an action, show the state")
        {
            action, allowTrusted, keepSessions, duration, reason,
        };
        command.SetAction((parse, ct) =>
        {
            var verb = parse.GetValue(action);
            var wanted = new LockdownOptions
            {
                AllowTrusted = parse.GetValue(allowTrusted),
                KeepSessions = parse.GetValue(keepSessions),
                For = ParseDuration(parse.GetValue(duration)),
                Reason = parse.GetValue(reason),
            };
            var optionsGiven = wanted.AllowTrusted || wanted.KeepSessions || wanted.For is not null || wanted.Reason is not null;
            if (verb != "on" && optionsGiven)
            {
                throw new ToolException(ExitCodes.Usage, "--allow-trusted, --keep-sessions, --for and --reason go with 'lockdown on'");
            }
            return new LockdownRequester(ToolContext.From(parse)).RunAsync(verb, wanted, ct);
        });
        return command;
    }

    private static TimeSpan? ParseDuration(string? text)
    {
        if (text is null)
        {
            return null;
        }
        return LockdownDuration.TryParse(text, out var d)
            ? d
            : throw new ToolException(ExitCodes.Usage, $"--for '{text}' is not a duration (e.g. 90s, 30min, 2h, 1d; a bare number is seconds)");
    }
}
