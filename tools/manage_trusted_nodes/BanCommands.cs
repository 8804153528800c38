using System.CommandLine;

namespace P2PSecurity.Tools.ManageTrustedNodes;

/// <summary>The ban verbs: bans live in the server's state database, never in the .env file.</summary>
internal static class BanCommands
{
    public static Command Ban()
    {
        var target = new Argument<string>("target") { Description = "IP address, CIDR range or node key (e.g. 203.0.113.7, 10.0.0.0/8, 2001:db8::/64)" };
        var duration = new Option<string?>("--for")
        {
            Description = "How long: 90s, 15m, 1h, 2d, 1w, or forever (default 24h)",
            HelpName = "duration",
        };
        var reason = new Option<string?>("--reason") { Description = "Why, one line (shown by bans)", HelpName = "text" };
        var fleet = FleetOption.Create("ban it on every node of the fleet until the same wall-clock time (signed, through FLEET_REDIS)");
        var command = new Command("ban", "Ban an address, range or node key in the running server until it expires; live sessions it covers are closed") { target, duration, reason, fleet };
        command.SetAction((parse, ct) => FleetOption.Given(parse, fleet, "ban", parse.GetValue(target)!, parse.GetValue(duration), parse.GetValue(reason) is null ? null : "--reason")
            ?? new BanChanger(ToolContext.From(parse)).BanAsync(parse.GetValue(target)!, parse.GetValue(duration), parse.GetValue(reason), ct));
        return command;
    }

    public static Command Unban()
    {
        var target = new Argument<string>("target") { Description = "The banned IP address, CIDR range or node key, as banned" };
        var fleet = FleetOption.Create("lift a fleet ban on every node");
        var command = new Command("unban", "Remove a ban (the next connection is decided without it)") { target, fleet };
        command.SetAction((parse, ct) => FleetOption.Given(parse, fleet, "unban", parse.GetValue(target)!, null, null)
            ?? new BanChanger(ToolContext.From(parse)).UnbanAsync(parse.GetValue(target)!, ct));
        return command;
    }

    public static Command Bans()
    {
        var command = new Command("bans", "Show the running server's active bans: who made each, why, when, and the time left");
        command.SetAction((parse, ct) => new BansReport(ToolContext.From(parse)).RunAsync(ct));
        return command;
    }
}
