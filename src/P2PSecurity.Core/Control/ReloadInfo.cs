using System.Text.Json.Serialization;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Control;

/// <summary>A <see cref="ReloadResult"/> on the wire.</summary>
public sealed class ReloadInfo
{
    /// <summary>"applied", "unchanged", "invalid", "missing" or "empty" (the file was emptied; the last good policy stays).</summary>
    public string Outcome { get; set; } = string.Empty;

    /// <summary>The revision in force after the attempt (the old one when the file was refused).</summary>
    public long Revision { get; set; }

    public List<string> Changes { get; set; } = [];

    public List<DiagnosticInfo> Diagnostics { get; set; } = [];

    public int SessionsClosed { get; set; }

    public DateTimeOffset At { get; set; }

    public string Trigger { get; set; } = string.Empty;

    /// <summary>The node's mode changed with this reload (null: it did not).</summary>
    public ModeChangeInfo? ModeChange { get; set; }

    [JsonIgnore]
    public bool Succeeded => Outcome is "applied" or "unchanged";

    public static ReloadInfo From(ReloadResult r) => new()
    {
        Outcome = r.Outcome.ToString().ToLowerInvariant(),
        Revision = r.Revision,
        Changes = [.. r.Changes],
        Diagnostics = [.. r.Diagnostics.Select(DiagnosticInfo.From)],
        SessionsClosed = r.SessionsClosed,
        At = r.At,
        Trigger = r.Trigger,
        ModeChange = ModeChangeInfo.Of(r.ModeChange),
    };
}
