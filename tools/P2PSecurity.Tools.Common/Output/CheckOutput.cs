using P2PSecurity.Core.Control;

namespace P2PSecurity.Tools.Output;

/// <summary>--json output of check: the file's findings, lock-out warnings, and the live comparison.</summary>
public sealed class CheckOutput
{
    public bool Ok { get; set; }

    public string File { get; set; } = string.Empty;

    public bool Valid { get; set; }

    public List<DiagnosticInfo> Diagnostics { get; set; } = [];

    public List<string> Lockouts { get; set; } = [];

    /// <summary>The network keys the file leads to, by fingerprint only (null when the file is invalid).</summary>
    public NetworkKeyInfo? NetworkKey { get; set; }

    public bool ServerReachable { get; set; }

    public string? ServerProblem { get; set; }

    public CheckLiveInfo? Live { get; set; }
}
