using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Sources;

namespace P2PSecurity.Core.Security;

public sealed partial class SecurityManager
{
    /// <summary>
    /// The secured stage, as soon as TLS completes: the node key is known (null when the peer presented no
    /// certificate), so the block list and the allow list are judged now, before the server says anything. A blocked
    /// or unlisted node is refused here instead of being sent a ServerHello and holding its slot until it answers or
    /// HANDSHAKE_TIMEOUT. The network-key proof needs the peer's ClientHello and stays at <see cref="EvaluateNode"/>.
    /// </summary>
    /// <remarks>
    /// An allowed connection is marked <see cref="ConnectionSlot.Secured"/> with its key, so that a reload evicts it
    /// for its key while it has not finished the handshake (see <see cref="EvaluateLive"/>).
    /// </remarks>
    public SecurityDecision EvaluateSecured(ConnectionSlot slot, NodeKey? key) => Gate.Secured(slot, key);

    private SecurityDecision SecuredStage(ConnectionSlot slot, NodeKey? key)
    {
        var view = View;
        var policy = view.File;
        var lockdown = LockdownNow(view);
        var reason = FleetAdjusted(policy, lockdown, view.Fleet, slot.AddressKey, key, DecideKey(policy, lockdown, key), null);
        if (reason != DenyReason.None)
        {
            NotifyNodeRefused(slot.Address, key, reason);
            return Refuse(policy, slot.Address, key, reason).Decision;
        }
        slot.NodeKey = key;
        slot.Secured = true;
        // A reload that swapped the policy after our read may have run its eviction pass before this slot was
        // marked secured, and so not judged its key; judge it against the newest policy. The barrier keeps the
        // read of the policy below from moving before the writes above.
        Interlocked.MemoryBarrier();
        var latestView = View;
        var latest = latestView.File;
        var latestLockdown = LockdownNow(latestView);
        if ((!ReferenceEquals(latest, policy) || !ReferenceEquals(latestLockdown, lockdown) || !ReferenceEquals(latestView.Fleet, view.Fleet)) &&
            FleetAdjusted(latest, latestLockdown, latestView.Fleet, slot.AddressKey, key, DecideKey(latest, latestLockdown, key), null) is var late and not DenyReason.None)
        {
            slot.Secured = false;
            NotifyNodeRefused(slot.Address, key, late);
            return Refuse(latest, slot.Address, key, late).Decision;
        }
        // Past TLS with an acceptable key: behind the handshakes still in TLS for MAX_PENDING_HANDSHAKES.
        _table.RenewPending(slot);
        return SecurityDecision.Allow;
    }

    /// <summary>The key rules, then the lockdown (which with --allow-trusted welcomes trusted keys only).</summary>
    private static DenyReason DecideKey(SecurityPolicy policy, LockdownState lockdown, NodeKey? key)
    {
        var reason = DecideKey(policy, key);
        return reason == DenyReason.None && LockdownGate.RefusesNode(lockdown, policy, key) ? DenyReason.Lockdown : reason;
    }

    /// <summary>
    /// The rules on the node key alone (no network-key proof): a missing certificate where one is required, a blocked
    /// key (a block wins over the allow list), a key not in a non-empty allow list. Shared by the secured stage, the
    /// node gate and the eviction pass, so that all three refuse the same keys for the same reason.
    /// </summary>
    private static DenyReason DecideKey(SecurityPolicy policy, NodeKey? key)
    {
        if (!policy.Enabled)
        {
            return DenyReason.None;
        }
        if (key is not { } k)
        {
            return policy.RequireNodeAuthentication || policy.WhitelistMode ? DenyReason.AuthenticationRequired : DenyReason.None;
        }
        if (policy.BlockedNodeKeys.Contains(k))
        {
            return DenyReason.NodeBlocked;
        }
        if (policy.WhitelistMode && !policy.AllowedNodeKeys.Contains(k))
        {
            return DenyReason.NodeNotAllowed;
        }
        return DenyReason.None;
    }
}
