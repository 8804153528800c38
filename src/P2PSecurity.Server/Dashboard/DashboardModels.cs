using P2PSecurity.Core.Control;

namespace P2PSecurity.Server.Dashboard;

/// <summary>The answer to every write: what the edit did and the revision in force after it (read your writes).</summary>
internal sealed class EditAnswer
{
    public bool Ok { get; set; }

    public string Action { get; set; } = "";

    public string? Outcome { get; set; }

    public string? List { get; set; }

    public string? Entry { get; set; }

    public List<string> Warnings { get; set; } = [];

    /// <summary>The policy revision in force after the request.</summary>
    public long Revision { get; set; }

    public ReloadInfo? Reload { get; set; }

    /// <summary>For a preview: what the edited file would do to the live server, nothing written.</summary>
    public CheckLiveInfo? Preview { get; set; }

    public ControlError? Error { get; set; }

    /// <summary>Whole-file writes: the SHA-256 of the file now, the base for the next apply.</summary>
    public string? Sha256 { get; set; }

    public static EditAnswer Failed(string action, string code, string message, long revision) =>
        new() { Ok = false, Action = action, Revision = revision, Error = new ControlError { Code = code, Message = message } };
}

internal sealed class NodePage
{
    public long Revision { get; set; }

    public int Total { get; set; }

    public int Page { get; set; }

    public int Size { get; set; }

    public int Pages { get; set; }

    public List<NodeRow> Items { get; set; } = [];
}

internal sealed class NodeRow
{
    public string Key { get; set; } = "";

    public string? Label { get; set; }

    public List<ConnectedRow> Connected { get; set; } = [];
}

internal sealed class ConnectedRow
{
    public string Address { get; set; } = "";

    public DateTimeOffset Since { get; set; }

    public bool Outbound { get; set; }
}

/// <summary>Body of the list writes: <c>{"key":…,"label":…}</c> or <c>{"target":…}</c>.</summary>
internal sealed class EntryBody
{
    public string? Key { get; set; }

    public string? Target { get; set; }

    public string? Label { get; set; }

    /// <summary>True: the same decision for every node of the fleet (as <c>--fleet</c>), not an edit of this node's file.</summary>
    public bool Fleet { get; set; }
}

/// <summary>Body of <c>POST /api/v1/lockdown</c>.</summary>
internal sealed class LockdownBody
{
    public bool On { get; set; }

    public bool? AllowTrusted { get; set; }

    public double? For { get; set; }

    public string? Reason { get; set; }
}

/// <summary>Body of the policy check and apply: a whole file's text.</summary>
internal sealed class PolicyBody
{
    public string? Text { get; set; }

    /// <summary>apply: the SHA-256 of the file the text was edited from (<c>GET /api/v1/policy</c>); a file changed since is not overwritten.</summary>
    public string? BaseSha256 { get; set; }

    /// <summary>apply: the text may empty ALLOWED_NODE_KEYS (whitelist mode off).</summary>
    public bool OpenNetwork { get; set; }
}

/// <summary>The policy file as the dashboard shows it: secrets masked, with its hash and findings.</summary>
internal sealed class PolicyView
{
    public bool Ok { get; set; } = true;

    public string Path { get; set; } = "";

    public string Text { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public long Revision { get; set; }

    public List<DiagnosticInfo> Diagnostics { get; set; } = [];
}

/// <summary>Body of <c>POST /api/v1/network-key</c>: the new key (never answered back) and whether the old one stays accepted.</summary>
internal sealed class NetworkKeyBody
{
    public string? Key { get; set; }

    public bool KeepPrevious { get; set; }
}

/// <summary>Body of <c>POST /api/v1/bans</c>, as the control channel's <c>ban</c>.</summary>
internal sealed class BanBody
{
    public string? Target { get; set; }

    public string? Duration { get; set; }

    public string? Reason { get; set; }

    /// <summary>True: a fleet ban, the same on every node (as <c>manage_trusted_nodes ban --fleet</c>), not a local one.</summary>
    public bool Fleet { get; set; }
}
