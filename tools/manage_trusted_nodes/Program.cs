using System.CommandLine;
using P2PSecurity.Tools;
using P2PSecurity.Tools.ManageTrustedNodes;

var root = new RootCommand("Edit the node lists of the P2PSecurity policy file (changing nothing else in it) and apply them to the running server.")
{
    EditCommands.Add(),
    EditCommands.Remove(),
    ListCommand.Create(),
    EditCommands.Block(),
    EditCommands.Unblock(),
    KeygenCommand.Create(),
    PendingCommand.Create(),
    BanCommands.Ban(),
    BanCommands.Unban(),
    BanCommands.Bans(),
};
return await ToolRunner.RunAsync(root, "manage_trusted_nodes", args);
