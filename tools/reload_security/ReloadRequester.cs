using P2PSecurity.Core.Control;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.ReloadSecurity;

/// <summary>Asks the server to reload and reports its answer; a refused file (invalid, missing, emptied) exits 1.</summary>
internal sealed class ReloadRequester(ToolContext context)
{
    public async Task<int> RunAsync(bool acceptEmpty, CancellationToken cancellationToken)
    {
        var request = new ControlRequest { Type = ControlProtocol.Requests.Reload, AcceptEmpty = acceptEmpty ? true : null };
        var response = await ServerCall.RequireAsync(context, request, cancellationToken);
        var reload = response.Reload!;
        var code = reload.Succeeded ? ExitCodes.Success : ExitCodes.InvalidPolicy;
        if (context.Json)
        {
            context.WriteJson(response, j => j.ControlResponse);
            return code;
        }
        var writer = reload.Succeeded ? context.Out : context.Err;
        foreach (var line in ReloadText.Describe(reload))
        {
            writer.WriteLine(line);
        }
        return code;
    }
}
