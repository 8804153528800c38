namespace P2PSecurity.Core.Lockdown;

/// <summary>
/// The kill switch, as one immutable snapshot: whether the server is locked down, how, why and until when. A
/// decision reads one snapshot beside the policy snapshot and never sees half of a change; a change builds a new
/// snapshot and swaps it in whole.
/// </summary>
public sealed record LockdownState
{
    /// <summary>Where a lockdown came from: <c>reload_security lockdown on</c>.</summary>
    public const string FromControl = "control";

    /// <summary>Where a lockdown came from: <c>LOCKDOWN=true</c> in the policy file.</summary>
    public const string FromPolicyFile = "policy_file";

    public bool Active { get; init; }

    /// <summary>Connections go through TLS and keys in ALLOWED_NODE_KEYS are welcomed; their sessions stay.</summary>
    public bool AllowTrusted { get; init; }

    /// <summary>Open sessions are left alone; only new connections are refused.</summary>
    public bool KeepSessions { get; init; }

    /// <summary>What the operator wrote (<c>--reason</c>), or null.</summary>
    public string? Reason { get; init; }

    /// <summary>When the lockdown began.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>When it lifts itself (<c>--for</c>), or null for "until lifted".</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary><see cref="FromControl"/> or <see cref="FromPolicyFile"/>.</summary>
    public string Source { get; init; } = FromControl;

    /// <summary>Not locked down.</summary>
    public static LockdownState Off { get; } = new();

    /// <summary>The lockdown that <c>LOCKDOWN=true</c> in the policy file asks for: everything refused, sessions closed.</summary>
    public static LockdownState PolicyFile { get; } = new() { Active = true, Source = FromPolicyFile, Reason = "LOCKDOWN=true in the policy file" };

    /// <summary>In words, for logs and tools, e.g. "on (allow trusted), until 12:00:00Z".</summary>
    public string Describe()
    {
        if (!Active)
        {
            return "off";
        }
        var how = (AllowTrusted, KeepSessions) switch
        {
            (true, true) => " (allow trusted, keep sessions)",
            (true, false) => " (allow trusted)",
            (false, true) => " (keep sessions)",
            _ => string.Empty,
        };
        return "on" + how;
    }
}
