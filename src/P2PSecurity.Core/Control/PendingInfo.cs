namespace P2PSecurity.Core.Control;

/// <summary>Node keys recently refused at the node gate, most recent first.</summary>
public sealed class PendingInfo
{
    public List<PendingNodeInfo> Nodes { get; set; } = [];

    /// <summary>How many distinct keys the server remembers; older ones are forgotten.</summary>
    public int Capacity { get; set; }
}
