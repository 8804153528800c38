namespace P2PSecurity.Core.Control;

/// <summary>What a candidate policy would do to the live server: its findings, changes, and the connections it refuses.</summary>
public sealed class CheckLiveInfo
{
    /// <summary>False when the candidate has errors; then only <see cref="Diagnostics"/> is filled.</summary>
    public bool Valid { get; set; }

    public List<DiagnosticInfo> Diagnostics { get; set; } = [];

    /// <summary>The revision in force, which the candidate is compared with.</summary>
    public long LiveRevision { get; set; }

    /// <summary>What differs from the policy in force, one line per setting.</summary>
    public List<string> Changes { get; set; } = [];

    /// <summary>The node's mode would change with the candidate (null: it would not).</summary>
    public ModeChangeInfo? ModeChange { get; set; }

    /// <summary>Live connections the candidate refuses.</summary>
    public List<RefusedConnectionInfo> WouldRefuse { get; set; } = [];

    /// <summary>How many sessions a reload to the candidate would close (0 when EVICT_ON_POLICY_CHANGE is off).</summary>
    public int SessionsWouldClose { get; set; }
}
