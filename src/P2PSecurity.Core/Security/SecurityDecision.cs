namespace P2PSecurity.Core.Security;

/// <summary>The answer of a gate: allowed, or refused with a reason. A refusal is a value, never an exception.</summary>
public readonly record struct SecurityDecision(DenyReason Reason)
{
    public static SecurityDecision Allow => default;

    public bool Allowed => Reason == DenyReason.None;

    public static SecurityDecision Deny(DenyReason reason) => new(reason);

    public override string ToString() => Reason.Code();
}
