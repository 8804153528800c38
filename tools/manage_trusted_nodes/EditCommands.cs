using System.CommandLine;
using P2PSecurity.Core.Editing;

namespace P2PSecurity.Tools.ManageTrustedNodes;

/// <summary>The four editing verbs; one small factory each.</summary>
internal static class EditCommands
{
    public static Command Add()
    {
        var key = new Argument<string>("key") { Description = "Node key: 64 hex digits (upper case, ':' separators and a sha256: prefix are accepted)" };
        var label = LabelOption();
        var fleet = FleetOption.Create("allow the key on every node of the fleet in whitelist mode (signed, through FLEET_REDIS; the file is not edited)");
        var command = new Command("add", "Allow a node key (ALLOWED_NODE_KEYS; a non-empty allow list means whitelist mode)") { key, label, fleet };
        command.SetAction((parse, ct) => FleetOption.Given(parse, fleet, "allow", parse.GetValue(key)!, null, parse.GetValue(label) is null ? null : "--label")
            ?? Editor(parse).RunAsync("add", e => e.Add(PolicyList.AllowedNodeKeys, parse.GetValue(key)!, parse.GetValue(label), ct), ct));
        return command;
    }

    public static Command Remove()
    {
        var key = new Argument<string>("key") { Description = "Node key to take off ALLOWED_NODE_KEYS" };
        var openNetwork = new Option<bool>("--open-network")
        {
            Description = "Allow removing the last allowed key: whitelist mode goes off and any authenticated node is admitted",
        };
        var fleet = FleetOption.Create("take back a fleet allow of the key on every node (a key in a node's own ALLOWED_NODE_KEYS stays allowed there)");
        var command = new Command("remove", "Stop allowing a node key (its next connection is refused in whitelist mode)") { key, openNetwork, fleet };
        command.SetAction((parse, ct) => FleetOption.Given(parse, fleet, "disallow", parse.GetValue(key)!, null, parse.GetValue(openNetwork) ? "--open-network" : null) ?? Editor(parse).RunAsync("remove",
            e => e.Remove(PolicyList.AllowedNodeKeys, parse.GetValue(key)!, parse.GetValue(openNetwork), ct), ct));
        return command;
    }

    public static Command Block()
    {
        var target = new Argument<string>("target") { Description = "Node key, IP address or CIDR (e.g. 203.0.113.7, 10.0.0.0/8, 2001:db8::/32)" };
        var label = LabelOption();
        var fleet = FleetOption.Create("block it on every node of the fleet (signed, through FLEET_REDIS; the file is not edited)");
        var command = new Command("block", "Block a node key (BLOCKED_NODE_KEYS) or an address or range (BLOCKED_IP_ADDRESSES)") { target, label, fleet };
        command.SetAction((parse, ct) => FleetOption.Given(parse, fleet, "block", parse.GetValue(target)!, null, parse.GetValue(label) is null ? null : "--label")
            ?? Editor(parse).RunAsync("block", e => e.Block(parse.GetValue(target)!, parse.GetValue(label), ct), ct));
        return command;
    }

    public static Command Unblock()
    {
        var target = new Argument<string>("target") { Description = "Node key, IP address or CIDR to unblock (in any form of the same entry: ::ffff:192.0.2.1 is 192.0.2.1)" };
        var fleet = FleetOption.Create("lift a fleet block on every node (blocks in a node's own file stay)");
        var command = new Command("unblock", "Remove a node key, address or range from the block lists") { target, fleet };
        command.SetAction((parse, ct) => FleetOption.Given(parse, fleet, "unblock", parse.GetValue(target)!, null, null)
            ?? Editor(parse).RunAsync("unblock", e => e.Unblock(parse.GetValue(target)!, ct), ct));
        return command;
    }

    private static Option<string?> LabelOption() => new("--label")
    {
        Description = "A note kept beside the entry as a comment line: # label <entry>: TEXT",
        HelpName = "text",
    };

    private static ListEdit Editor(ParseResult parse) => new(ToolContext.From(parse));
}
