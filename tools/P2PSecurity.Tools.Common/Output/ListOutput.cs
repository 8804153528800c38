using P2PSecurity.Core.Control;

namespace P2PSecurity.Tools.Output;

/// <summary>--json output of list: the file's lists in file order, with labels.</summary>
public sealed class ListOutput
{
    public bool Ok { get; set; } = true;

    public string File { get; set; } = string.Empty;

    public bool Exists { get; set; }

    public string Mode { get; set; } = string.Empty;

    public List<ListEntryOutput> AllowedNodeKeys { get; set; } = [];

    public List<ListEntryOutput> BlockedNodeKeys { get; set; } = [];

    public List<ListEntryOutput> BlockedIpAddresses { get; set; } = [];

    public List<DiagnosticInfo> Diagnostics { get; set; } = [];
}
