using System.Net;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

public sealed partial class SecurityManager
{
    /// <summary>
    /// The accept gate, from the address alone (no TLS yet): blocked address or range, connection rate, connections
    /// per address. An admitted connection gets a slot that must be released when it closes.
    /// Call <see cref="CheckConfigReload"/> first (<see cref="OnNewConnection"/> does both).
    /// </summary>
    public AcceptResult EvaluateAccept(IPAddress remote, bool outbound = false)
    {
        var policy = Policy;
        var lockdown = LockdownNow(policy);
        try
        {
            if (LockdownGate.RefusesAccept(lockdown))
            {
                return Refuse(remote, null, DenyReason.Lockdown);
            }
            // The key is the same for IPv4 and IPv4-mapped IPv6 (which is how a dual-mode socket shows every IPv4
            // peer); the mapped form is turned into an IPv4 object only when a new per-address state is made, so
            // the decision itself allocates nothing.
            var key = IpAddressKey.From(remote);
            if (policy.Enabled && policy.BlockedIps.Contains(key))
            {
                return Refuse(remote, null, DenyReason.IpBlocked);
            }
            if (policy.Enabled && BanAtAccept(key) is var banned and not DenyReason.None)
            {
                return Refuse(remote, null, banned);
            }
            while (true)
            {
                var state = _ips.GetOrAdd(key, static (k, a) => new IpState(IpAddressKey.Normalize(a), k), remote);
                var now = _time.GetTimestamp();
                var reason = state.TryOpen(policy, now, _time.TimestampFrequency, policy.Enabled);
                if (reason == DenyReason.InternalError && state.Removed)
                {
                    continue; // the sweeper retired this state between GetOrAdd and TryOpen; take a fresh one
                }
                if (reason != DenyReason.None)
                {
                    return Refuse(remote, null, reason);
                }
                var slot = new ConnectionSlot(this, state, Interlocked.Increment(ref _nextSlotId), now) { Outbound = outbound };
                state.Link(slot);
                if (!outbound)
                {
                    Metrics.Accepted();
                }
                return new AcceptResult(SecurityDecision.Allow, slot);
            }
        }
        catch (Exception ex)
        {
            SecurityLog.InternalError(_logger, ex, "accept", remote.ToString());
            CountRefusal(DenyReason.InternalError);
            return new AcceptResult(SecurityDecision.Deny(DenyReason.InternalError), null);
        }
    }

    /// <summary>What runs for every new connection: the reload check, then the accept gate.</summary>
    public AcceptResult OnNewConnection(IPAddress remote)
    {
        CheckConfigReload();
        return EvaluateAccept(remote);
    }

    /// <summary>
    /// The node gate, after TLS, for a caller that checked the network-key answer itself: the key proven by the
    /// peer's certificate (null when it presented none), and whether the answer proved the secret in force now.
    /// </summary>
    public SecurityDecision EvaluateNode(ConnectionSlot slot, NodeKey? key, bool networkKeyProven)
    {
        slot.ProvenSecret = networkKeyProven ? NetworkSecretFingerprint.Of(Policy.NetworkSecretKey) : NetworkSecretFingerprint.None;
        return EvaluateNode(slot, key);
    }

    /// <summary>
    /// The node gate, after TLS and the peer's ClientHello: the key proven by the peer's certificate (null when it
    /// presented none), and the network secret the slot proved (recorded by
    /// <see cref="VerifyNetworkKey(ConnectionSlot, ReadOnlySpan{byte}, NodeKey, NodeKey, ReadOnlySpan{byte})"/>).
    /// Blocked wins over allowed; a proof of a secret the policy does not accept is no proof.
    /// </summary>
    public SecurityDecision EvaluateNode(ConnectionSlot slot, NodeKey? key)
    {
        var policy = Policy;
        var lockdown = LockdownNow(policy);
        Metrics.Handshake(slot.OpenedTimestamp, _time);
        try
        {
            if (policy.Enabled && BanAtNodeGate(slot, key) is var banned and not DenyReason.None)
            {
                return Refuse(slot.Address, key, banned).Decision;
            }
            var reason = DecideNode(policy, lockdown, key, slot.ProvenSecret.IsAcceptedBy(policy));
            if (reason != DenyReason.None)
            {
                NotifyNodeRefused(slot.Address, key, reason);
                return Refuse(slot.Address, key, reason).Decision;
            }
            slot.NodeKey = key;
            slot.Authenticated = true;
            // A reload may have swapped the policy between our read and now, and its eviction pass may have run
            // before this slot was marked authenticated; re-check against the newest so such a node is not let in.
            // The barrier keeps the read of the policy below from moving before the write above. A proof of a secret
            // the newest policy no longer accepts does not count. The same for a lockdown engaged meanwhile.
            Interlocked.MemoryBarrier();
            var latest = Policy;
            var latestLockdown = LockdownNow(latest);
            if ((!ReferenceEquals(latest, policy) || !ReferenceEquals(latestLockdown, lockdown)) &&
                DecideNode(latest, latestLockdown, key, slot.ProvenSecret.IsAcceptedBy(latest)) is var late and not DenyReason.None)
            {
                slot.Authenticated = false;
                NotifyNodeRefused(slot.Address, key, late);
                return Refuse(slot.Address, key, late).Decision;
            }
            // Likewise a ban published after the check above: its eviction pass may have missed this slot's key.
            Interlocked.MemoryBarrier();
            if (latest.Enabled && BanAtNodeGate(slot, key) is var lateBan and not DenyReason.None)
            {
                slot.Authenticated = false;
                return Refuse(slot.Address, key, lateBan).Decision;
            }
            // Checked before the arguments are built: formatting the address and key allocates on every welcome.
            if (latest.LogSecurityEvents && _logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
            {
                SecurityLog.NodeWelcomed(_logger, slot.Address.ToString(), key?.ToShortString() ?? "anonymous");
            }
            return SecurityDecision.Allow;
        }
        catch (Exception ex)
        {
            SecurityLog.InternalError(_logger, ex, "node", slot.Address.ToString());
            CountRefusal(DenyReason.InternalError);
            return SecurityDecision.Deny(DenyReason.InternalError);
        }
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
    public SecurityDecision EvaluateMessage(ConnectionSlot slot)
    {
        var policy = Policy;
        if (!policy.Enabled || slot.State.TryTakeMessage(policy.MessageRateLimit, _time.GetTimestamp(), _time.TimestampFrequency))
        {
            Metrics.Message(allowed: true);
            return SecurityDecision.Allow;
        }
        Metrics.Message(allowed: false);
        return Refuse(slot.Address, slot.NodeKey, DenyReason.MessageRateExceeded).Decision;
    }

    /// <summary>True when messages originated by this node must be dropped, even when relayed by an allowed node.</summary>
    public bool IsOriginBlocked(NodeKey origin) => IsOriginBlocked(Policy, origin);

    private static bool IsOriginBlocked(SecurityPolicy policy, NodeKey origin)
    {
        return policy.Enabled && (policy.BlockedNodeKeys.Contains(origin) || (policy.WhitelistMode && !policy.AllowedNodeKeys.Contains(origin)));
    }

    /// <summary>Checks a network-key answer against the secret in force.</summary>
    public bool VerifyNetworkKey(ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server, ReadOnlySpan<byte> answer)
    {
        var secret = Policy.NetworkSecretKey;
        return secret.Length == 0 || NetworkKeyProof.Verify(secret, challenge, client, server, answer);
    }

    /// <summary>
    /// Checks a network-key answer against the secret in force and records on the slot which secret it proved (a
    /// fingerprint, never the secret), so that a later reload that changes the secret evicts the session.
    /// </summary>
    public bool VerifyNetworkKey(ConnectionSlot slot, ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server, ReadOnlySpan<byte> answer)
    {
        var secret = Policy.NetworkSecretKey;
        if (secret.Length == 0)
        {
            return true;
        }
        if (!NetworkKeyProof.Verify(secret, challenge, client, server, answer))
        {
            return false;
        }
        slot.ProvenSecret = NetworkSecretFingerprint.Of(secret);
        return true;
    }

    /// <summary>Records a refusal decided by the transport (e.g. a TLS handshake that failed) for logs and status.</summary>
    public void ReportRefusal(IPAddress remote, NodeKey? key, DenyReason reason)
    {
        var address = IpAddressKey.Normalize(remote);
        NotifyNodeRefused(address, key, reason);
        Refuse(address, key, reason);
    }

    /// <summary>Counts and logs a refusal; the node key is formatted only if a line is written.</summary>
    private AcceptResult Refuse(IPAddress address, NodeKey? node, DenyReason reason)
    {
        CountRefusal(reason);
        StrikeFor(address, reason);
        if (Policy.LogSecurityEvents)
        {
            _rejections.RefusedWithKey(address, node, reason);
        }
        return new AcceptResult(SecurityDecision.Deny(reason), null);
    }

    internal void OnSlotReleased(ConnectionSlot slot)
    {
        slot.State.Close(slot);
    }

    /// <summary>Live connections right now.</summary>
    public IReadOnlyCollection<ConnectionSlot> LiveConnections
    {
        get
        {
            var live = new List<ConnectionSlot>();
            foreach (var state in _ips.Values)
            {
                state.CopyLiveTo(live);
            }
            return live;
        }
    }

    /// <summary>The wall-clock time of a monotonic timestamp taken earlier.</summary>
    internal DateTimeOffset TimeOf(long timestamp) => _time.GetUtcNow() - _time.GetElapsedTime(timestamp);

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
    internal int TrackedAddresses => _ips.Count;
}
