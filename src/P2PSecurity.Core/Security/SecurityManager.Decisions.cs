using System.Net;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Secrets;
using P2PSecurity.Core.Sources;

namespace P2PSecurity.Core.Security;

public sealed partial class SecurityManager
{
    /// <summary>
    /// The accept gate, from the address alone (no TLS yet): blocked address or range, all inbound connections
    /// (MAX_CONNECTIONS), connection rate, connections per address (an IPv6 peer is counted by its IPV6_LIMIT_PREFIX
    /// network). An admitted connection gets a slot that must be released when it closes; an inbound one is pending
    /// until welcomed, and may push the oldest pending handshake of the busiest address out (MAX_PENDING_HANDSHAKES).
    /// Call <see cref="CheckConfigReload"/> first (<see cref="OnNewConnection"/> does both).
    /// </summary>
    public AcceptResult EvaluateAccept(IPAddress remote, bool outbound = false) => Gate.Accept(remote, outbound);

    /// <summary>The accept stage (see <see cref="EvaluateAccept"/>); a fault is turned into a refusal by <see cref="FailClosedGate"/>.</summary>
    private AcceptResult AcceptStage(IPAddress remote, bool outbound)
    {
        var view = View;
        var policy = view.File;
        var lockdown = LockdownNow(view);
        var counted = false;
        var admitted = false;
        try
        {
            if (LockdownGate.RefusesAccept(lockdown))
            {
                return Refuse(policy, remote, null, DenyReason.Lockdown);
            }
            // The key is the same for IPv4 and IPv4-mapped IPv6 (which is how a dual-mode socket shows every IPv4
            // peer); the mapped form is turned into an IPv4 object only when a new per-address state is made, so
            // the decision itself allocates nothing.
            var key = IpAddressKey.From(remote);
            if (policy.Enabled && policy.BlockedIps.Contains(key))
            {
                return Refuse(policy, remote, null, DenyReason.IpBlocked);
            }
            if (policy.Enabled && BanAtAccept(view, key) is var banned and not DenyReason.None)
            {
                return Refuse(policy, remote, null, banned);
            }
            if (policy.Enabled && FleetAtAccept(view.Fleet, key) is var fleetRefusal and not DenyReason.None)
            {
                return Refuse(policy, remote, null, fleetRefusal);
            }
            if (!outbound)
            {
                // Counted before the per-address checks, so that a full server does not spend an address's rate tokens.
                counted = true;
                if (!_table.CountInbound(policy.MaxConnections) && policy.Enabled)
                {
                    return Refuse(policy, remote, null, DenyReason.TooManyConnections);
                }
            }
            var limitKey = IpAddressKey.LimitKey(key, policy.Ipv6LimitPrefix);
            while (true)
            {
                if (_table.StateFor(limitKey, remote, policy) is not { } state)
                {
                    return Refuse(policy, remote, null, DenyReason.TooManyConnections);
                }
                var now = _time.GetTimestamp();
                var reason = state.TryOpen(policy, now, _time.TimestampFrequency, policy.Enabled);
                if (reason == DenyReason.InternalError && state.Removed)
                {
                    continue; // the sweeper retired this state between the look-up and TryOpen; take a fresh one
                }
                if (reason != DenyReason.None)
                {
                    return Refuse(policy, remote, null, reason);
                }
                // The state's address is the prefix for IPv6; the slot shows the peer's own (IPv4 already normalised).
                var address = remote.IsIPv4MappedToIPv6 ? state.Address : remote;
                var slot = _table.Open(state, address, key, now, outbound);
                admitted = true;
                if (!outbound)
                {
                    Metrics.Accepted();
                    if (_table.AddPending(slot, policy.Enabled ? policy.MaxPendingHandshakes : int.MaxValue) is { } victim)
                    {
                        EvictPending(policy, victim);
                    }
                }
                return new AcceptResult(SecurityDecision.Allow, slot);
            }
        }
        finally
        {
            if (counted && !admitted)
            {
                _table.UncountInbound();
            }
        }
    }

    /// <summary>
    /// The reload check (inline: the caller waits for a reload it finds), then the accept gate. The listener uses
    /// <see cref="OnNewConnectionAsync"/> instead, which never holds the accept loop.
    /// </summary>
    public AcceptResult OnNewConnection(IPAddress remote)
    {
        if (!_inMemory)
        {
            CheckConfigReload();
        }
        return Gate.Accept(remote, outbound: false);
    }

    /// <summary>
    /// The node gate, after TLS, for a caller that checked the network-key answer itself: the key proven by the
    /// peer's certificate (null when it presented none), and whether the answer proved the secret in force now.
    /// </summary>
    public SecurityDecision EvaluateNode(ConnectionSlot slot, NodeKey? key, bool networkKeyProven)
    {
        var secret = Policy.NetworkSecretKey;
        slot.ProvenSecret = networkKeyProven ? NetworkSecretFingerprint.Of(secret) : NetworkSecretFingerprint.None;
        slot.NetworkKeyFingerprint = networkKeyProven && secret.Length > 0 ? KeyFingerprint.Of(secret) : null;
        return EvaluateNode(slot, key);
    }

    /// <summary>
    /// The node gate, after TLS and the peer's ClientHello: the key proven by the peer's certificate (null when it
    /// presented none), and the network secret the slot proved (recorded by
    /// <see cref="VerifyNetworkKey(ConnectionSlot, ReadOnlySpan{byte}, NodeKey, NodeKey, ReadOnlySpan{byte})"/>).
    /// Blocked wins over allowed; a proof of a secret the policy does not accept is no proof.
    /// </summary>
    public SecurityDecision EvaluateNode(ConnectionSlot slot, NodeKey? key) => Gate.NodeHandshake(slot, key, NetworkKeyAnswer.Recorded).Decision;

    /// <summary>
    /// The node handshake stage: checks the answer (unless <see cref="NetworkKeyAnswer.Recorded"/>) and judges the node
    /// on one read of the policy; a welcome's terms come from the policy the last check of the decision read.
    /// </summary>
    private NodeVerdict NodeStage(ConnectionSlot slot, NodeKey? key, in NetworkKeyAnswer answer)
    {
        var view = View;
        if (answer.Present)
        {
            RecordProof(view.File, slot, answer.Challenge, answer.Client, answer.Server, answer.Answer);
        }
        var decision = NodeDecision(view, slot, key, out var latestView);
        var latest = latestView.File;
        if (!decision.Allowed)
        {
            return new NodeVerdict(decision, default);
        }
        var rate = latest.MessageRateLimit;
        var proof = ProveNetworkKey(latest, answer.PeerChallenge, answer.Client, answer.Server, slot.NetworkKeyFingerprint);
        return new NodeVerdict(decision, new WelcomeTerms(latest.MaxFrameSize, rate.Count, (int)rate.Period.TotalSeconds, proof));
    }

    /// <summary>
    /// The node decision on <paramref name="view"/>, re-checked on the newest view (<paramref name="latestView"/>) to
    /// close the race with an eviction pass (a reload, a ban, a lockdown) that ran before this slot was marked.
    /// </summary>
    private SecurityDecision NodeDecision(PolicyView view, ConnectionSlot slot, NodeKey? key, out PolicyView latestView)
    {
        latestView = view;
        var policy = view.File;
        var lockdown = LockdownNow(view);
        Metrics.Handshake(slot.OpenedTimestamp, _time);
        if (policy.Enabled && BanAtNodeGate(view, slot, key) is var banned and not DenyReason.None)
        {
            return Refuse(policy, slot.Address, key, banned).Decision;
        }
        var proven = slot.ProvenSecret.IsAcceptedBy(policy);
        var reason = FleetAdjusted(policy, lockdown, view.Fleet, slot.AddressKey, key, DecideNode(policy, lockdown, key, proven), proven);
        if (reason != DenyReason.None)
        {
            NotifyNodeRefused(slot.Address, key, reason);
            return Refuse(policy, slot.Address, key, reason).Decision;
        }
        slot.NodeKey = key;
        slot.Authenticated = true;
        // A reload may have swapped the policy between our read and now, and its eviction pass may have run
        // before this slot was marked authenticated; re-check against the newest so such a node is not let in.
        // The barrier keeps the read of the policy below from moving before the write above. A proof of a secret
        // the newest policy no longer accepts does not count. The same for a lockdown engaged meanwhile.
        Interlocked.MemoryBarrier();
        latestView = View;
        var latest = latestView.File;
        var latestLockdown = LockdownNow(latestView);
        if ((!ReferenceEquals(latest, policy) || !ReferenceEquals(latestLockdown, lockdown) || !ReferenceEquals(latestView.Fleet, view.Fleet)) &&
            FleetAdjusted(latest, latestLockdown, latestView.Fleet, slot.AddressKey, key, DecideNode(latest, latestLockdown, key, slot.ProvenSecret.IsAcceptedBy(latest)),
                slot.ProvenSecret.IsAcceptedBy(latest)) is var late and not DenyReason.None)
        {
            slot.Authenticated = false;
            NotifyNodeRefused(slot.Address, key, late);
            return Refuse(latest, slot.Address, key, late).Decision;
        }
        // Likewise a ban published after the check above: its eviction pass may have missed this slot's key.
        if (latest.Enabled && !ReferenceEquals(latestView.Bans, view.Bans) && BanAtNodeGate(latestView, slot, key) is var lateBan and not DenyReason.None)
        {
            slot.Authenticated = false;
            return Refuse(latest, slot.Address, key, lateBan).Decision;
        }
        // Welcomed: no longer a pending handshake. One pushed out just before (its close is on its way) stays out.
        _table.RemovePending(slot);
        if (slot.ForcedReason is var forced and not DenyReason.None)
        {
            slot.Authenticated = false;
            return SecurityDecision.Deny(forced);
        }
        // Checked before the arguments are built: formatting the address and key allocates on every welcome.
        if (latest.LogSecurityEvents && _logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
        {
            SecurityLog.NodeWelcomed(_logger, slot.Address.ToString(), key?.ToShortString() ?? "anonymous");
        }
        return SecurityDecision.Allow;
    }

    private static DenyReason DecideNode(SecurityPolicy policy, LockdownState lockdown, NodeKey? key, bool networkKeyProven)
    {
        var reason = DecideNode(policy, key, networkKeyProven);
        return reason == DenyReason.None && LockdownGate.RefusesNode(lockdown, policy, key) ? DenyReason.Lockdown : reason;
    }

    private static DenyReason DecideNode(SecurityPolicy policy, NodeKey? key, bool networkKeyProven)
    {
        var reason = DecideKey(policy, key);
        if (reason != DenyReason.None || !policy.Enabled)
        {
            return reason;
        }
        // The network key is required when set, with or without a certificate: an anonymous peer's missing key
        // must not be a way around it.
        return policy.NetworkSecretKey.Length > 0 && !networkKeyProven ? DenyReason.NetworkKeyProofFailed : DenyReason.None;
    }

    /// <summary>The per-message gate: the message rate of the connection's address.</summary>
    public SecurityDecision EvaluateMessage(ConnectionSlot slot) => Gate.Message(slot);

    private SecurityDecision MessageStage(ConnectionSlot slot)
    {
        var policy = View.File;
        if (!policy.Enabled || slot.State.TryTakeMessage(policy.MessageRateLimit, _time.GetTimestamp(), _time.TimestampFrequency))
        {
            Metrics.Message(allowed: true);
            return SecurityDecision.Allow;
        }
        Metrics.Message(allowed: false);
        return Refuse(policy, slot.Address, slot.NodeKey, DenyReason.MessageRateExceeded).Decision;
    }

    /// <summary>True when messages originated by this node must be dropped, even when relayed by an allowed node.</summary>
    public bool IsOriginBlocked(NodeKey origin) => IsOriginBlocked(Policy, origin);

    private static bool IsOriginBlocked(SecurityPolicy policy, NodeKey origin)
    {
        return policy.Enabled && (policy.BlockedNodeKeys.Contains(origin) || (policy.WhitelistMode && !policy.AllowedNodeKeys.Contains(origin)));
    }

    /// <summary>Checks a network-key answer against the secrets in force (the current key, or the previous one during a rotation).</summary>
    public bool VerifyNetworkKey(ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server, ReadOnlySpan<byte> answer)
    {
        var policy = Policy;
        return policy.NetworkSecretKey.Length == 0 || ProvenSecretOf(policy, challenge, client, server, answer) is not null;
    }

    /// <summary>
    /// Checks a network-key answer against the current key, then the previous one (NETWORK_SECRET_KEY_PREVIOUS), and
    /// records on the slot which secret it proved (fingerprints, never the secret), so that a later reload that stops
    /// accepting that secret evicts the session, and status can show which key each session proved.
    /// </summary>
    public bool VerifyNetworkKey(ConnectionSlot slot, ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server, ReadOnlySpan<byte> answer) =>
        RecordProof(Policy, slot, challenge, client, server, answer);

    private static bool RecordProof(SecurityPolicy policy, ConnectionSlot slot, ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server, ReadOnlySpan<byte> answer)
    {
        if (policy.NetworkSecretKey.Length == 0)
        {
            return true;
        }
        if (ProvenSecretOf(policy, challenge, client, server, answer) is not { } secret)
        {
            return false;
        }
        slot.ProvenSecret = NetworkSecretFingerprint.Of(secret);
        slot.NetworkKeyFingerprint = KeyFingerprint.Of(secret);
        return true;
    }

    /// <summary>The accepted secret the answer proves (current first), or null.</summary>
    private static string? ProvenSecretOf(SecurityPolicy policy, ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server, ReadOnlySpan<byte> answer)
    {
        if (NetworkKeyProof.Verify(policy.NetworkSecretKey, challenge, client, server, answer))
        {
            return policy.NetworkSecretKey;
        }
        var previous = policy.NetworkSecretKeyPrevious;
        return previous.Length > 0 && NetworkKeyProof.Verify(previous, challenge, client, server, answer) ? previous : null;
    }

    /// <summary>Records a refusal decided by the transport (e.g. a TLS handshake that failed) for logs and status.</summary>
    public void ReportRefusal(IPAddress remote, NodeKey? key, DenyReason reason)
    {
        var address = IpAddressKey.Normalize(remote);
        NotifyNodeRefused(address, key, reason);
        Refuse(Policy, address, key, reason);
    }

    /// <summary>Counts and logs a refusal, on the policy the decision read; the node key is formatted only if a line is written.</summary>
    private AcceptResult Refuse(SecurityPolicy policy, IPAddress address, NodeKey? node, DenyReason reason)
    {
        CountRefusal(reason);
        StrikeFor(address, reason);
        if (policy.LogSecurityEvents)
        {
            _rejections.RefusedWithKey(address, node, reason, FleetDescription(address, node, reason));
        }
        return new AcceptResult(SecurityDecision.Deny(reason), null);
    }

    /// <summary>Closes a pending handshake pushed out by a newer one (MAX_PENDING_HANDSHAKES).</summary>
    private void EvictPending(SecurityPolicy policy, ConnectionSlot victim)
    {
        var decision = SecurityDecision.Deny(DenyReason.PendingHandshakeEvicted);
        victim.Force(decision);
        Refuse(policy, victim.Address, null, decision.Reason);
    }

    /// <summary>Live connections right now.</summary>
    public IReadOnlyCollection<ConnectionSlot> LiveConnections => _table.Live;

    /// <summary>Refusals since start, by reason.</summary>
    public IReadOnlyDictionary<DenyReason, long> RefusalCounts
    {
        get
        {
            var result = new Dictionary<DenyReason, long>();
            foreach (var reason in Enum.GetValues<DenyReason>())
            {
                var n = Interlocked.Read(ref _refusals[(int)reason]);
                if (n > 0)
                {
                    result[reason] = n;
                }
            }
            return result;
        }
    }

    /// <summary>Per-address states held (for tests of the sweeper and for memory bounds).</summary>
    internal int TrackedAddresses => _table.TrackedAddresses;

    /// <summary>Inbound connections holding a slot now (MAX_CONNECTIONS counts these).</summary>
    public int InboundConnections => _table.InboundConnections;

    /// <summary>Inbound connections not welcomed yet (MAX_PENDING_HANDSHAKES counts these).</summary>
    public int PendingHandshakes => _table.PendingHandshakes;
}
