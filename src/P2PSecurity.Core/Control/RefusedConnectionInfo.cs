namespace P2PSecurity.Core.Control;

/// <summary>A live connection a candidate policy would refuse, and why.</summary>
public sealed class RefusedConnectionInfo
{
    public long Id { get; set; }

    public string Address { get; set; } = string.Empty;

    /// <summary>The node key, when the connection has authenticated.</summary>
    public string? NodeKey { get; set; }

    /// <summary>A reason code such as <c>node_blocked</c>.</summary>
    public string Reason { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;
}
