namespace P2PSecurity.Tools.Output;

/// <summary>One list entry and its label.</summary>
public sealed class ListEntryOutput
{
    public string Entry { get; set; } = string.Empty;

    public string? Label { get; set; }
}
