namespace P2PSecurity.Core.Security;

/// <summary>The answer of a gate: allowed, or refused with a reason. A refusal is a value, never an exception.</summary>
/// <remarks>
/// Allow is a value that has to be spelled (<see cref="Allow"/>): <c>default(SecurityDecision)</c>, what an
/// uninitialised field or a forgotten assignment holds, denies with <see cref="DenyReason.InternalError"/>.
/// </remarks>
public readonly record struct SecurityDecision
{
    private readonly bool _allowed;
    private readonly DenyReason _reason;

    private SecurityDecision(bool allowed, DenyReason reason)
    {
        _allowed = allowed;
        _reason = reason;
    }

    public static SecurityDecision Allow { get; } = new(true, DenyReason.None);

    public bool Allowed => _allowed;

    /// <summary><see cref="DenyReason.None"/> when allowed; never None for a refusal.</summary>
    public DenyReason Reason => _allowed ? DenyReason.None : _reason == DenyReason.None ? DenyReason.InternalError : _reason;

    /// <summary>A refusal. Denying with <see cref="DenyReason.None"/> is a bug; it denies as an internal error.</summary>
    public static SecurityDecision Deny(DenyReason reason) => new(false, reason);

    public override string ToString() => Reason.Code();
}
