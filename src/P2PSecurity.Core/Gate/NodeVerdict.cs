using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Gate;

/// <summary>The node handshake stage's answer: the decision and, when allowed, what the Welcome tells the peer.</summary>
/// <remarks><c>default</c> denies, as <c>default(SecurityDecision)</c> does.</remarks>
public readonly record struct NodeVerdict(SecurityDecision Decision, WelcomeTerms Terms)
{
    public bool Allowed => Decision.Allowed;

    public static NodeVerdict Deny(DenyReason reason) => new(SecurityDecision.Deny(reason), default);
}
