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
}
