namespace P2PSecurity.Core.Control;

/// <summary>One node key refused at the node gate: where it came from, when, why, and what the policy says now.</summary>
public sealed class PendingNodeInfo
{
    public string NodeKey { get; set; } = string.Empty;

    /// <summary>The address of the last refused attempt.</summary>
    public string Address { get; set; } = string.Empty;

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public long Attempts { get; set; }

    /// <summary>The reason code of the last refusal.</summary>
    public string Reason { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    /// <summary>What the policy in force says about the key now: <c>allowed</c>, <c>node_blocked</c> or <c>node_not_allowed</c>.</summary>
    public string Now { get; set; } = string.Empty;
}
