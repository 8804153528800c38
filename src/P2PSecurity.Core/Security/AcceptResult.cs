namespace P2PSecurity.Core.Security;

/// <summary>The accept gate's answer: a decision, and the connection's slot when it was admitted.</summary>
public readonly record struct AcceptResult(SecurityDecision Decision, ConnectionSlot? Slot)
{
    public bool Allowed => Decision.Allowed;
}
