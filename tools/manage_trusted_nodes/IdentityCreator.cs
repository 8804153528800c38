using P2PSecurity.Core.Identity;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.ManageTrustedNodes;

/// <summary>Creates a node identity file and prints the node key to put in another node's ALLOWED_NODE_KEYS.</summary>
internal sealed class IdentityCreator(ToolContext context)
{
    public int Run(string path)
    {
        var full = Path.GetFullPath(path);
        string nodeKey;
        try
        {
            nodeKey = NodeKeygen.CreateFile(full).ToString();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ToolException(ExitCodes.IoError, ex.Message.StartsWith(full, StringComparison.Ordinal) ? ex.Message : $"cannot create {full}: {ex.Message}");
        }
        if (context.Json)
        {
            context.WriteJson(new KeygenOutput { Path = full, NodeKey = nodeKey }, j => j.KeygenOutput);
            return ExitCodes.Success;
        }
        context.Out.WriteLine($"created {full} (mode 0600)");
        context.Out.WriteLine($"node key {nodeKey}");
        context.Out.WriteLine($"allow it on another node with: manage_trusted_nodes add {nodeKey}");
        return ExitCodes.Success;
    }
}
