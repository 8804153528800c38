namespace P2PSecurity.Core.Control;

/// <summary>A count for one name (a node key or an address).</summary>
public sealed class NameCount
{
    public string Name { get; set; } = string.Empty;

    public int Count { get; set; }
}
