using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>What a reload attempt came to.</summary>
public enum ReloadOutcome
{
    /// <summary>The file changed and the new policy is in force.</summary>
    Applied,

    /// <summary>The file's content is the same as the policy in force; nothing to do.</summary>
    Unchanged,

    /// <summary>The file has errors; the previous policy stays in force.</summary>
    Invalid,

    /// <summary>The file is missing or unreadable; the previous policy stays in force.</summary>
    Missing,

    /// <summary>The file was emptied; the last good policy stays in force (see <c>TruncatedFileGuard</c>).</summary>
    Empty,
}

/// <summary>The result of one reload: outcome, the revision in force afterwards, what changed, findings.</summary>
public sealed record ReloadResult(
    ReloadOutcome Outcome,
    long Revision,
    IReadOnlyList<string> Changes,
    IReadOnlyList<PolicyDiagnostic> Diagnostics,
    int SessionsClosed,
    DateTimeOffset At,
    string Trigger)
{
    public bool Succeeded => Outcome is ReloadOutcome.Applied or ReloadOutcome.Unchanged;

    /// <summary>Set when an applied reload changed the node's mode (e.g. whitelist to open); null otherwise.</summary>
    public PolicyModeChange? ModeChange { get; init; }
}
