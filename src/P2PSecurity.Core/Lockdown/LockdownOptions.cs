namespace P2PSecurity.Core.Lockdown;

/// <summary>What <c>reload_security lockdown on</c> asks for.</summary>
public sealed record LockdownOptions
{
    /// <summary>The longest reason kept; a longer one is cut (it goes into logs and status).</summary>
    public const int MaxReasonLength = 200;

    public bool AllowTrusted { get; init; }

    public bool KeepSessions { get; init; }

    /// <summary>Lifts itself after this long (<c>--for</c>); null means until lifted.</summary>
    public TimeSpan? For { get; init; }

    public string? Reason { get; init; }
}
