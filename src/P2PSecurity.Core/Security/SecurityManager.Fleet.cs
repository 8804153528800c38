using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// The hook for fleet decisions (FLEET_REDIS), a policy source beside the file and the local bans (see
/// <see cref="FleetSync"/>). A fleet block or ban refuses with the same reasons as the file's and the bans'
/// (<c>ip_blocked</c>, <c>node_blocked</c>, <c>ip_banned</c>, <c>node_banned</c>), and the gates read it from one
/// in-memory <see cref="FleetView"/>; a block from any source wins. A key the fleet allows joins the allow list of a
/// node in whitelist mode; in open mode it changes nothing (a fleet allow never turns whitelist mode on, which would
/// refuse everyone else).
/// </summary>
public sealed partial class SecurityManager
{
    // Written once, by AttachFleet, before the server accepts connections; read by every decision.
    private FleetSync? _fleet;

    /// <summary>The fleet source, once attached.</summary>
    public FleetSync? Fleet => Volatile.Read(ref _fleet);

    /// <summary>Makes the gates consult <paramref name="fleet"/> and lets it close the live sessions a new decision refuses. Call once, before the first connection.</summary>
    public void AttachFleet(FleetSync fleet)
    {
        fleet.Enforce = EvictFleetRefused;
        Volatile.Write(ref _fleet, fleet);
        // The same figures as reload_security status shows, on the manager's meter (METRICS_ADDRESS).
        var meter = Metrics.Meter;
        meter.CreateObservableGauge("p2psecurity.fleet.connected", () => fleet.Connected ? 1 : 0, description: "1 while the fleet follower holds a connection to FLEET_REDIS.");
        meter.CreateObservableGauge("p2psecurity.fleet.lag", () => fleet.LagSeconds, "s", "Seconds since this node last had every fleet decision the hub had (0 while following).");
        meter.CreateObservableGauge("p2psecurity.fleet.decisions", () => fleet.Current.Count, description: "Fleet decisions in force.");
        meter.CreateObservableGauge("p2psecurity.fleet.last_applied_timestamp", () => fleet.LastApplied.Ms / 1000.0, "s", "The time part of the last applied stream id (Unix time).");
        meter.CreateObservableCounter("p2psecurity.fleet.applied", () => fleet.Applied, description: "Fleet decisions applied since start.");
        meter.CreateObservableCounter("p2psecurity.fleet.signatures_rejected", () => fleet.Rejected, description: "Fleet entries and snapshots ignored: forged, tampered, replayed or unreadable.");
    }

    private long FleetNowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The fleet's decision on an address at accept (before TLS).</summary>
    private DenyReason FleetAtAccept(UInt128 key)
    {
        if (_fleet is not { } fleet)
        {
            return DenyReason.None;
        }
        var view = fleet.Current;
        if (view.IsAddressBlocked(key))
        {
            return DenyReason.IpBlocked;
        }
        return view.IsAddressBanned(key, FleetNowMs) ? DenyReason.IpBanned : DenyReason.None;
    }

    /// <summary>
    /// The fleet's word on a key, after the file's rules gave <paramref name="fileReason"/>: a fleet allow lifts
    /// <c>node_not_allowed</c>, a fleet block or ban of the key or (made since accept) of the address refuses.
    /// </summary>
    private DenyReason WithFleet(SecurityPolicy policy, UInt128 address, NodeKey? key, DenyReason fileReason)
    {
        if (_fleet is not { } fleet || !policy.Enabled)
        {
            return fileReason;
        }
        var view = fleet.Current;
        var verdict = FleetVerdictOn(view, address, key, FleetNowMs);
        if (verdict != DenyReason.None)
        {
            return verdict;
        }
        return fileReason == DenyReason.NodeNotAllowed && key is { } k && view.IsKeyAllowed(k) ? DenyReason.None : fileReason;
    }

    /// <summary>
    /// The node rules with the fleet: <paramref name="fileReason"/> from the file's rules, then the fleet's refusals
    /// and allows. A key the fleet lets past the allow list still owes the rules after it: the network-key proof
    /// (when <paramref name="networkKeyProven"/> is known) and the lockdown.
    /// </summary>
    private DenyReason FleetAdjusted(SecurityPolicy policy, P2PSecurity.Core.Lockdown.LockdownState lockdown, UInt128 address, NodeKey? key, DenyReason fileReason, bool? networkKeyProven)
    {
        var reason = WithFleet(policy, address, key, fileReason);
        if (reason == DenyReason.None && fileReason == DenyReason.NodeNotAllowed)
        {
            if (networkKeyProven == false && policy.NetworkSecretKey.Length > 0)
            {
                return DenyReason.NetworkKeyProofFailed;
            }
            if (P2PSecurity.Core.Lockdown.LockdownGate.RefusesNode(lockdown, policy, key))
            {
                return DenyReason.Lockdown;
            }
        }
        return reason;
    }

    private static DenyReason FleetVerdictOn(FleetView view, UInt128 address, NodeKey? key, long nowMs)
    {
        if (view.IsAddressBlocked(address))
        {
            return DenyReason.IpBlocked;
        }
        if (view.IsAddressBanned(address, nowMs))
        {
            return DenyReason.IpBanned;
        }
        if (key is { } k)
        {
            if (view.IsKeyBlocked(k))
            {
                return DenyReason.NodeBlocked;
            }
            if (view.IsKeyBanned(k, nowMs))
            {
                return DenyReason.NodeBanned;
            }
        }
        return DenyReason.None;
    }

    /// <summary>
    /// For the log: "source=fleet: ..." when the refusal comes from a fleet decision rather than the file or a local
    /// ban (those are named first when both hold); null otherwise. Runs on refusals only.
    /// </summary>
    private string? FleetDescription(System.Net.IPAddress address, NodeKey? node, DenyReason reason)
    {
        if (_fleet is not { } fleet || reason is not (DenyReason.IpBlocked or DenyReason.IpBanned or DenyReason.NodeBlocked or DenyReason.NodeBanned))
        {
            return null;
        }
        var view = fleet.Current;
        var key = IpAddressKey.From(address);
        var now = FleetNowMs;
        var policy = Policy;
        var local = _bans?.Current;
        var fromFleet = reason switch
        {
            DenyReason.IpBlocked => !policy.BlockedIps.Contains(key) && view.IsAddressBlocked(key),
            DenyReason.IpBanned => local?.IsAddressBanned(key, now) != true && view.IsAddressBanned(key, now),
            DenyReason.NodeBlocked => node is { } b && !policy.BlockedNodeKeys.Contains(b) && view.IsKeyBlocked(b),
            _ => node is { } n && local?.IsNodeBanned(n, now) != true && view.IsKeyBanned(n, now),
        };
        return fromFleet ? $"source=fleet: a fleet decision ({reason switch
        {
            DenyReason.IpBlocked => "block",
            DenyReason.IpBanned => "ban",
            DenyReason.NodeBlocked => "block of the node key",
            _ => "ban of the node key",
        }}) signed by an operator" : null;
    }

    /// <summary>True when the fleet allows this key (so a reload's eviction pass keeps its session).</summary>
    private bool FleetAllows(NodeKey? key) => key is { } k && _fleet is { } fleet && fleet.Current.IsKeyAllowed(k);

    /// <summary>Closes every live connection the fleet's new view refuses; called by the fleet's writer after it publishes <paramref name="view"/>.</summary>
    private int EvictFleetRefused(FleetView view)
    {
        var policy = Policy;
        if (!policy.Enabled)
        {
            return 0;
        }
        var now = FleetNowMs;
        var closed = 0;
        foreach (var slot in LiveConnections)
        {
            var key = slot.Authenticated || slot.Secured ? slot.NodeKey : null;
            var reason = FleetVerdictOn(view, slot.AddressKey, key, now);
            if (reason == DenyReason.None && slot.Authenticated && key is { } k && policy.WhitelistMode &&
                !policy.AllowedNodeKeys.Contains(k) && !view.IsKeyAllowed(k))
            {
                reason = DenyReason.NodeNotAllowed; // the fleet disallowed a key only it had allowed
            }
            if (reason == DenyReason.None)
            {
                continue;
            }
            var decision = SecurityDecision.Deny(reason);
            if (slot.FirstFleetEviction() && slot.Evict(decision))
            {
                closed++;
                CountRefusal(reason);
                SecurityLog.FleetSessionClosed(_logger, slot.Address.ToString(), slot.NodeKey?.ToShortString() ?? "-", reason.Code());
            }
        }
        return closed;
    }
}
