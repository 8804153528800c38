using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Lockdown;

/// <summary>
/// What a lockdown refuses, as pure functions of one lockdown snapshot and one policy snapshot. The lockdown is
/// checked whatever ENABLE_P2P_SECURITY says: a kill switch that an open policy could disarm would be none.
/// </summary>
public static class LockdownGate
{
    /// <summary>
    /// The lockdown in force: the operator's (control channel) when there is one, otherwise the policy file's
    /// <c>LOCKDOWN=true</c>. The same inputs give the same instance, so a decision can tell whether it changed.
    /// </summary>
    public static LockdownState Effective(SecurityPolicy policy, LockdownState control) =>
        control.Active || !policy.Lockdown ? control : LockdownState.PolicyFile;

    /// <summary>
    /// At accept, before TLS: a full lockdown refuses every connection, inbound or dialled. With allow-trusted
    /// the connection goes on to TLS and the node gate.
    /// </summary>
    public static bool RefusesAccept(LockdownState lockdown) => lockdown.Active && !lockdown.AllowTrusted;

    /// <summary>At the node gate: with allow-trusted only a key in ALLOWED_NODE_KEYS (and not blocked) is welcomed.</summary>
    public static bool RefusesNode(LockdownState lockdown, SecurityPolicy policy, NodeKey? key) =>
        lockdown.Active && (!lockdown.AllowTrusted || !IsTrusted(policy, key));

    /// <summary>
    /// Whether a live connection is closed: not with keep-sessions; with allow-trusted, only a connection whose key
    /// is known (secured or welcomed) and not trusted (one still in TLS meets the secured stage); otherwise every
    /// connection.
    /// </summary>
    public static bool EvictsLive(LockdownState lockdown, SecurityPolicy policy, ConnectionSlot slot)
    {
        if (!lockdown.Active || lockdown.KeepSessions)
        {
            return false;
        }
        return !lockdown.AllowTrusted || ((slot.Authenticated || slot.Secured) && !IsTrusted(policy, slot.NodeKey));
    }

    private static bool IsTrusted(SecurityPolicy policy, NodeKey? key) =>
        key is { } k && policy.AllowedNodeKeys.Contains(k) && !policy.BlockedNodeKeys.Contains(k);
}
