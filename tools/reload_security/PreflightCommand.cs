using System.CommandLine;
using P2PSecurity.Core.Preflight;

namespace P2PSecurity.Tools.ReloadSecurity;

internal static class PreflightCommand
{
    public static Command Create()
    {
        var command = new Command("preflight",
            "Check everything a start needs, without starting (the same checks as p2psecurity-server --check): policy, identity, secret, listen address, control socket folder, log file, lockdown. Run it as the server's user");
        command.SetAction(async (parse, ct) =>
        {
            var context = ToolContext.From(parse);
            var report = await PreflightRunner.RunAsync(new PreflightOptions { EnvPath = context.EnvFile }, ct);
            if (context.Json)
            {
                context.Out.WriteLine(report.ToJson());
            }
            else
            {
                report.WriteText(context.Out);
            }
            return report.Ok ? ExitCodes.Success : ExitCodes.InvalidPolicy;
        });
        return command;
    }
}
