namespace P2PSecurity.Tools.Output;

/// <summary>--json output of add, remove, block, unblock.</summary>
public sealed class EditOutput
{
    public bool Ok { get; set; } = true;

    /// <summary>add, remove, block or unblock.</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>added, already_present, label_updated, removed or not_present.</summary>
    public string Outcome { get; set; } = string.Empty;

    public string List { get; set; } = string.Empty;

    public string Entry { get; set; } = string.Empty;

    public string File { get; set; } = string.Empty;

    public bool Written { get; set; }

    public List<string> Warnings { get; set; } = [];

    public ServerReloadOutput Server { get; set; } = new();
}
