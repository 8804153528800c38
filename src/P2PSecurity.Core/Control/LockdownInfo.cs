using P2PSecurity.Core.Lockdown;

namespace P2PSecurity.Core.Control;

/// <summary>The lockdown in force, on the wire (the answer to <c>lockdown</c>, and the first part of <c>status</c>).</summary>
public sealed class LockdownInfo
{
    public bool Active { get; set; }

    /// <summary>"off", "on", "on (allow trusted)", "on (keep sessions)", "on (allow trusted, keep sessions)".</summary>
    public string Mode { get; set; } = "off";

    public bool AllowTrusted { get; set; }

    public bool KeepSessions { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset? Since { get; set; }

    public DateTimeOffset? Until { get; set; }

    /// <summary>"control" (reload_security lockdown) or "policy_file" (LOCKDOWN=true); null when off.</summary>
    public string? Source { get; set; }

    /// <summary>Where the operator's lockdown is kept on disk.</summary>
    public string? StateFile { get; set; }

    /// <summary><c>lockdown on</c>: sessions closed by it.</summary>
    public int? SessionsClosed { get; set; }

    /// <summary>Why the change could not be written to the state file (it is in force all the same); null when it was.</summary>
    public string? PersistError { get; set; }

    /// <summary>Something the operator should know, e.g. that LOCKDOWN=true in the file still holds after <c>lockdown off</c>.</summary>
    public string? Note { get; set; }

    public static LockdownInfo From(LockdownState state, DateTimeOffset? policyFileSince, string stateFile) => new()
    {
        Active = state.Active,
        Mode = state.Describe(),
        AllowTrusted = state.AllowTrusted,
        KeepSessions = state.KeepSessions,
        Reason = state.Reason,
        Since = state.Source == LockdownState.FromPolicyFile ? policyFileSince : state.Since,
        Until = state.Until,
        Source = state.Active ? state.Source : null,
        StateFile = stateFile,
    };
}
