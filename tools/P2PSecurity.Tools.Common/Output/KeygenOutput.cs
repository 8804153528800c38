namespace P2PSecurity.Tools.Output;

/// <summary>--json output of keygen.</summary>
public sealed class KeygenOutput
{
    public bool Ok { get; set; } = true;

    public string Path { get; set; } = string.Empty;

    public string NodeKey { get; set; } = string.Empty;
}
