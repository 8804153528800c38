using System.Globalization;
using P2PSecurity.Core.Control;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.ManageTrustedNodes;

/// <summary>Prints the nodes the server refused recently, most recent first.</summary>
internal sealed class PendingReport(ToolContext context)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var response = await ServerCall.RequireAsync(context, ControlRequest.Of(ControlProtocol.Requests.Pending), cancellationToken);
        if (context.Json)
        {
            context.WriteJson(response, j => j.ControlResponse);
            return ExitCodes.Success;
        }
        var pending = response.Pending!;
        var o = context.Out;
        if (pending.Nodes.Count == 0)
        {
            o.WriteLine("no node has been refused at the node gate recently");
            return ExitCodes.Success;
        }
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ReloadText.Plural(pending.Nodes.Count, "node")} refused recently (most recent first; the server remembers {pending.Capacity}):"));
        foreach (var n in pending.Nodes)
        {
            var now = n.Now == "allowed" ? "allowed now" : $"still refused: {n.Now}";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {n.NodeKey}  from {n.Address}, {ReloadText.Plural(n.Attempts, "attempt")}, last {ReloadText.Time(n.LastSeen)}, {n.Reason} ({now})"));
        }
        o.WriteLine("approve one with: manage_trusted_nodes add KEY [--label TEXT]");
        return ExitCodes.Success;
    }
}
