using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// The hook for fleet decisions (FLEET_REDIS), a policy source beside the file and the local bans (see
/// <see cref="FleetSync"/>). A fleet block or ban refuses with the same reasons as the file's and the bans'
/// (<c>ip_blocked</c>, <c>node_blocked</c>, <c>ip_banned</c>, <c>node_banned</c>), and the gates read it as
/// <see cref="Sources.PolicyView.Fleet"/> of the view the decision holds, like the file, the bans and the lockdown;
/// a block from any source wins. A key the fleet allows joins the allow list of a
/// node in whitelist mode; in open mode it changes nothing (a fleet allow never turns whitelist mode on, which would
/// refuse everyone else).
/// </summary>
public sealed partial class SecurityManager
{
    // Written by AttachFleet (at start, and by a reload that changes FLEET_*); read for status and the metrics. The
    // gates never read it: they read the fleet's view from the PolicyView they hold.
    private FleetSync? _fleet;
    private int _fleetMetrics;

    /// <summary>The fleet source in force, or null when the node is in no fleet.</summary>
    public FleetSync? Fleet => Volatile.Read(ref _fleet);

    /// <summary>
    /// Makes <paramref name="fleet"/> the fleet source of the view (null: none, the fleet is off) in place of the one
    /// attached before, and closes the live sessions the change refuses: those the new fleet blocks or bans, and,
    /// in whitelist mode, keys that only the previous fleet allowed. The previous source no longer closes sessions.
    /// </summary>
    public void AttachFleet(FleetSync? fleet)
    {
        var previous = Interlocked.Exchange(ref _fleet, fleet);
        if (previous is not null && !ReferenceEquals(previous, fleet))
        {
            previous.Enforce = null;
        }
        if (fleet is not null)
        {
            fleet.Enforce = EvictFleetRefused;
        }
        _views.AttachFleet(fleet);
        if (fleet is not null && Interlocked.Exchange(ref _fleetMetrics, 1) == 0)
        {
            RegisterFleetMetrics();
        }
        EvictFleetRefused(View.Fleet);
    }

    /// <summary>The same figures as reload_security status shows, on the manager's meter (METRICS_ADDRESS), of the fleet in force.</summary>
    private void RegisterFleetMetrics()
    {
        var meter = Metrics.Meter;
        meter.CreateObservableGauge("p2psecurity.fleet.connected", () => Fleet?.Connected == true ? 1 : 0, description: "1 while the fleet follower holds a connection to FLEET_REDIS.");
        meter.CreateObservableGauge("p2psecurity.fleet.lag", () => Fleet?.LagSeconds ?? 0, "s", "Seconds since this node last had every fleet decision the hub had (0 while following).");
        meter.CreateObservableGauge("p2psecurity.fleet.decisions", () => View.Fleet.Count, description: "Fleet decisions in force.");
        meter.CreateObservableGauge("p2psecurity.fleet.last_applied_timestamp", () => View.Fleet.LastId.Ms / 1000.0, "s", "The time part of the last applied stream id (Unix time).");
        meter.CreateObservableCounter("p2psecurity.fleet.applied", () => Fleet?.Applied ?? 0, description: "Fleet decisions applied since start.");
        meter.CreateObservableCounter("p2psecurity.fleet.signatures_rejected", () => Fleet?.Rejected ?? 0, description: "Fleet entries and snapshots ignored: forged, tampered, replayed or unreadable.");
    }

    private long FleetNowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The fleet's decision on an address at accept (before TLS), from the decision's view.</summary>
    private DenyReason FleetAtAccept(FleetView view, UInt128 key)
    {
        if (view.IsAddressBlocked(key))
        {
            return DenyReason.IpBlocked;
        }
        // The clock is read only when the fleet holds address bans (a wall-clock read costs more than the look-up).
        return view.BannedAddresses.SegmentCount > 0 && view.IsAddressBanned(key, FleetNowMs) ? DenyReason.IpBanned : DenyReason.None;
    }

    /// <summary>
    /// The fleet's word on a key, after the file's rules gave <paramref name="fileReason"/>: a fleet allow lifts
    /// <c>node_not_allowed</c>, a fleet block or ban of the key or (made since accept) of the address refuses.
    /// </summary>
    private DenyReason WithFleet(SecurityPolicy policy, FleetView view, UInt128 address, NodeKey? key, DenyReason fileReason)
    {
        if (view.Count == 0 || !policy.Enabled)
        {
            return fileReason;
        }
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
    private DenyReason FleetAdjusted(SecurityPolicy policy, P2PSecurity.Core.Lockdown.LockdownState lockdown, FleetView fleet, UInt128 address, NodeKey? key, DenyReason fileReason, bool? networkKeyProven)
    {
        var reason = WithFleet(policy, fleet, address, key, fileReason);
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
        if (reason is not (DenyReason.IpBlocked or DenyReason.IpBanned or DenyReason.NodeBlocked or DenyReason.NodeBanned))
        {
            return null;
        }
        var current = View;
        var view = current.Fleet;
        if (view.Count == 0)
        {
            return null;
        }
        var key = IpAddressKey.From(address);
        var now = FleetNowMs;
        var policy = current.File;
        var local = current.Bans;
        var fromFleet = reason switch
        {
            DenyReason.IpBlocked => !policy.BlockedIps.Contains(key) && view.IsAddressBlocked(key),
            DenyReason.IpBanned => !local.IsAddressBanned(key, now) && view.IsAddressBanned(key, now),
            DenyReason.NodeBlocked => node is { } b && !policy.BlockedNodeKeys.Contains(b) && view.IsKeyBlocked(b),
            _ => node is { } n && !local.IsNodeBanned(n, now) && view.IsKeyBanned(n, now),
        };
        // Whole literals: a refusal allocates nothing, though a line is written only for the first few per address.
        return !fromFleet ? null : reason switch
        {
            DenyReason.IpBlocked => "source=fleet: a fleet decision (block) signed by an operator",
            DenyReason.IpBanned => "source=fleet: a fleet decision (ban) signed by an operator",
            DenyReason.NodeBlocked => "source=fleet: a fleet decision (block of the node key) signed by an operator",
            _ => "source=fleet: a fleet decision (ban of the node key) signed by an operator",
        };
    }

    /// <summary>True when the fleet of the view in force allows this key (so a reload's eviction pass keeps its session).</summary>
    private bool FleetAllows(NodeKey? key) => key is { } k && View.Fleet.IsKeyAllowed(k);

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
