using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Sources;

namespace P2PSecurity.Core.Security;

/// <summary>
/// The hook of the kill switch, a policy source of its own (<see cref="LockdownSwitch"/>): each decision reads the
/// lockdown once, beside the policy snapshot, and asks <see cref="LockdownGate"/>.
/// </summary>
public sealed partial class SecurityManager
{
    /// <summary>The operator's kill switch (state on disk beside the policy file).</summary>
    public LockdownSwitch Lockdown => _lockdown;

    /// <summary>The lockdown in force with this policy: the operator's, or the file's LOCKDOWN=true.</summary>
    public LockdownState LockdownInForce(SecurityPolicy policy) => LockdownNow(policy);

    /// <summary>Locks down and closes the live connections the lockdown refuses (within a second); returns how many.</summary>
    public (LockdownChange Change, int SessionsClosed) EngageLockdown(LockdownOptions options)
    {
        var change = _lockdown.Engage(options);
        var policy = Policy;
        return (change, EvictRefused(policy, LockdownNow(policy)));
    }

    private LockdownState LockdownNow(SecurityPolicy policy) => LockdownGate.Effective(policy, _lockdown.Current);

    /// <summary>The lockdown in force in <paramref name="view"/>: its operator's state (expiry applied now) with its file's LOCKDOWN.</summary>
    private LockdownState LockdownNow(PolicyView view) => LockdownGate.Effective(view.File, view.LockdownNow(_time));

    /// <summary>Whether a live connection may stay: the lockdown first, then the policy when EVICT_ON_POLICY_CHANGE is on.</summary>
    private static SecurityDecision LiveVerdict(ConnectionSlot slot, SecurityPolicy policy, LockdownState lockdown)
    {
        if (LockdownGate.EvictsLive(lockdown, policy, slot))
        {
            return SecurityDecision.Deny(DenyReason.Lockdown);
        }
        return policy.EvictOnPolicyChange ? EvaluateLive(slot, policy) : SecurityDecision.Allow;
    }
}
