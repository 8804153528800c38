using P2PSecurity.Core.Control;

namespace P2PSecurity.Tools.Output;

/// <summary>--json: what the running server said when asked to reload after an edit (or why it could not be asked).</summary>
public sealed class ServerReloadOutput
{
    public const string Reloaded = "reloaded";
    public const string Refused = "refused";
    public const string NotRunning = "not_running";
    public const string Unreachable = "unreachable";
    public const string Error = "error";

    /// <summary>reloaded (applied or unchanged), refused (the server kept its policy), not_running, unreachable, error.</summary>
    public string Status { get; set; } = string.Empty;

    public string? Problem { get; set; }

    public ReloadInfo? Reload { get; set; }
}
