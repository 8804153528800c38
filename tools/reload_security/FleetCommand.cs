using System.CommandLine;

namespace P2PSecurity.Tools.ReloadSecurity;

/// <summary><c>reload_security fleet [status | compact | publish ACTION TARGET [--for DURATION]]</c>.</summary>
internal static class FleetCommand
{
    public static Command Create()
    {
        var command = new Command("fleet", "The fleet (FLEET_REDIS): show its state, write a snapshot, or publish a signed decision to every node")
        {
            Status(), Compact(), Publish(),
        };
        command.SetAction((parse, ct) => new FleetPublisher(ToolContext.From(parse)).ShowAsync("status", ct));
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "Connected or not, last applied id, lag, decisions in force, signatures rejected");
        command.SetAction((parse, ct) => new FleetPublisher(ToolContext.From(parse)).ShowAsync("status", ct));
        return command;
    }

    private static Command Compact()
    {
        var command = new Command("compact", "Write a signed snapshot of the decisions in force and trim the entries it covers from the stream");
        command.SetAction((parse, ct) => new FleetPublisher(ToolContext.From(parse)).ShowAsync("compact", ct));
        return command;
    }

    private static Command Publish()
    {
        var action = new Argument<string>("action") { Description = "block, unblock, ban, unban, allow or disallow" };
        action.AcceptOnlyFromAmong("block", "unblock", "ban", "unban", "allow", "disallow");
        var target = new Argument<string>("target") { Description = "IP address, CIDR range or node key (allow and disallow: a node key)" };
        var duration = new Option<string?>("--for") { Description = "ban: how long (90s, 15m, 1h, 2d, 1w, forever; default 24h)", HelpName = "duration" };
        var command = new Command("publish", "Sign a decision with FLEET_OPERATOR_IDENTITY and publish it to every node of the fleet") { action, target, duration };
        command.SetAction((parse, ct) => new FleetPublisher(ToolContext.From(parse)).PublishAsync(parse.GetValue(action)!, parse.GetValue(target)!, parse.GetValue(duration), ct));
        return command;
    }
}
