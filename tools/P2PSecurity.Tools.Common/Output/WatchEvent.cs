using P2PSecurity.Core.Control;

namespace P2PSecurity.Tools.Output;

/// <summary>--json output of watch_config: one object per line, one line per event.</summary>
public sealed class WatchEvent
{
    public DateTimeOffset At { get; set; }

    /// <summary>watching, valid, invalid, missing, reloaded, reload_refused, server_unreachable, stopped.</summary>
    public string Event { get; set; } = string.Empty;

    public string File { get; set; } = string.Empty;

    public string? Message { get; set; }

    public List<DiagnosticInfo>? Diagnostics { get; set; }

    public ReloadInfo? Reload { get; set; }
}
