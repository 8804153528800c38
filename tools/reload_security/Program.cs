using System.CommandLine;
using P2PSecurity.Tools;
using P2PSecurity.Tools.ReloadSecurity;

var root = new RootCommand("Ask the running P2PSecurity server for its status, make it reload its policy, or check a policy file.")
{
    StatusCommand.Create(),
    ReloadCommand.Create(),
    CheckCommand.Create(),
    LockdownCommand.Create(),
    PreflightCommand.Create(),
    DashboardUrlCommand.Create(),
    DashboardPasswordCommand.Create(),
};
return await ToolRunner.RunAsync(root, "reload_security", args);
