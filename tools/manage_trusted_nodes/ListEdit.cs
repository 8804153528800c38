using P2PSecurity.Core.Editing;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.ManageTrustedNodes;

/// <summary>
/// One edit of a list: made in the file (validated, locked, atomic), then applied by the running server, waiting
/// for its answer so that when the command returns the change is in force.
/// </summary>
internal sealed class ListEdit(ToolContext context)
{
    public async Task<int> RunAsync(string action, Func<PolicyFileEditor, PolicyEditResult> edit, CancellationToken cancellationToken)
    {
        var result = edit(new PolicyFileEditor(context.EnvFile));
        // Even a no-op asks for a reload: the file may hold the entry while the server has not read it yet.
        var server = await ServerCall.ReloadIfRunningAsync(context, result.WrittenSha256, cancellationToken);
        var code = server.Status switch
        {
            ServerReloadOutput.Refused => ExitCodes.InvalidPolicy,
            ServerReloadOutput.Unreachable => ExitCodes.ServerNotReachable,
            ServerReloadOutput.Error => ExitCodes.ServerError,
            _ => ExitCodes.Success,
        };
        if (context.Json)
        {
            context.WriteJson(new EditOutput
            {
                Ok = code == ExitCodes.Success,
                Action = action,
                Outcome = result.Outcome.Code(),
                List = result.List.KeyName(),
                Entry = result.Entry,
                File = result.Path,
                Written = result.Written,
                Warnings = [.. result.Warnings],
                Server = server,
            }, j => j.EditOutput);
            return code;
        }
        var o = context.Out;
        var list = result.List.KeyName();
        o.WriteLine(result.Outcome switch
        {
            EditOutcome.Added => $"added {result.Entry} to {list} in {result.Path}",
            EditOutcome.LabelUpdated => $"label updated for {result.Entry} in {result.Path}",
            EditOutcome.Removed => $"removed {result.Entry} from {list} in {result.Path}",
            EditOutcome.AlreadyPresent => $"already present: {result.Entry} in {list} ({result.Path} unchanged)",
            _ => $"not present: {result.Entry} in {list} ({result.Path} unchanged)",
        });
        foreach (var warning in result.Warnings)
        {
            context.Err.WriteLine($"warning: {warning}");
        }
        PrintServer(server);
        return code;
    }

    private void PrintServer(ServerReloadOutput server)
    {
        switch (server.Status)
        {
            case ServerReloadOutput.NotRunning:
                context.Out.WriteLine($"server: not running ({server.Problem}); the file is read when it starts");
                break;
            case ServerReloadOutput.Unreachable or ServerReloadOutput.Error:
                context.Err.WriteLine($"server: the file is changed, but the server did not confirm the reload: {server.Problem}");
                break;
            default:
                var writer = server.Status == ServerReloadOutput.Reloaded ? context.Out : context.Err;
                var lines = ReloadText.Describe(server.Reload!).ToList();
                writer.WriteLine("server: " + lines[0]);
                foreach (var line in lines.Skip(1))
                {
                    writer.WriteLine(line);
                }
                break;
        }
    }
}
