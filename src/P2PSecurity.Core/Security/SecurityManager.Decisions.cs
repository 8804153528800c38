using System.Net;
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
        try
        {
            var address = IpAddressKey.Normalize(remote);
            var key = IpAddressKey.From(address);
            if (policy.Enabled && policy.BlockedIps.Contains(key))
            {
                return Refuse(address, null, DenyReason.IpBlocked);
            }
            while (true)
            {
                var state = _ips.GetOrAdd(key, static (k, a) => new IpState(a, k), address);
                var reason = state.TryOpen(policy, _time.GetTimestamp(), _time.TimestampFrequency, policy.Enabled);
                if (reason == DenyReason.InternalError && state.Removed)
                {
                    continue; // the sweeper retired this state between GetOrAdd and TryOpen; take a fresh one
                }
                if (reason != DenyReason.None)
                {
                    return Refuse(address, null, reason);
                }
                var slot = new ConnectionSlot(this, state, Interlocked.Increment(ref _nextSlotId), _time.GetUtcNow()) { Outbound = outbound };
                _live[slot.Id] = slot;
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
    /// The node gate, after TLS: the key proven by the peer's certificate (null when it presented none), and
    /// whether it answered the network-key challenge. Blocked wins over allowed.
    /// </summary>
    public SecurityDecision EvaluateNode(ConnectionSlot slot, NodeKey? key, bool networkKeyProven)
    {
        var policy = Policy;
        try
        {
            var reason = DecideNode(policy, key, networkKeyProven);
            if (reason != DenyReason.None)
            {
                NotifyNodeRefused(slot.Address, key, reason);
                return Refuse(slot.Address, key?.ToShortString(), reason).Decision;
            }
            slot.NodeKey = key;
            slot.Authenticated = true;
            if (policy.LogSecurityEvents)
            {
                SecurityLog.NodeWelcomed(_logger, slot.Address.ToString(), key?.ToShortString() ?? "anonymous");
            }
            // A reload may have swapped the policy between our read and now; re-check against the newest so a
            // node blocked by that reload is not welcomed after the eviction pass has run.
            var latest = Policy;
            if (!ReferenceEquals(latest, policy) && DecideNode(latest, key, networkKeyProven) is var late and not DenyReason.None)
            {
                slot.Authenticated = false;
                NotifyNodeRefused(slot.Address, key, late);
                return Refuse(slot.Address, key?.ToShortString(), late).Decision;
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

    private static DenyReason DecideNode(SecurityPolicy policy, NodeKey? key, bool networkKeyProven)
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
        if (policy.NetworkSecretKey.Length > 0 && !networkKeyProven)
        {
            return DenyReason.NetworkKeyProofFailed;
        }
        return DenyReason.None;
    }

    /// <summary>The per-message gate: the message rate of the connection's address.</summary>
    public SecurityDecision EvaluateMessage(ConnectionSlot slot)
    {
        var policy = Policy;
        if (!policy.Enabled)
        {
            return SecurityDecision.Allow;
        }
        if (slot.State.TryTakeMessage(policy.MessageRateLimit, _time.GetTimestamp(), _time.TimestampFrequency))
        {
            return SecurityDecision.Allow;
        }
        return Refuse(slot.Address, slot.NodeKey?.ToShortString(), DenyReason.MessageRateExceeded).Decision;
    }

    /// <summary>True when messages originated by this node must be dropped, even when relayed by an allowed node.</summary>
    public bool IsOriginBlocked(NodeKey origin)
    {
        var policy = Policy;
        return policy.Enabled && (policy.BlockedNodeKeys.Contains(origin) || (policy.WhitelistMode && !policy.AllowedNodeKeys.Contains(origin)));
    }

    /// <summary>Checks a network-key answer against the secret in force.</summary>
    public bool VerifyNetworkKey(ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server, ReadOnlySpan<byte> answer)
    {
        var secret = Policy.NetworkSecretKey;
        return secret.Length == 0 || NetworkKeyProof.Verify(secret, challenge, client, server, answer);
    }

    /// <summary>Records a refusal decided by the transport (e.g. a TLS handshake that failed) for logs and status.</summary>
    public void ReportRefusal(IPAddress remote, NodeKey? key, DenyReason reason)
    {
        var address = IpAddressKey.Normalize(remote);
        NotifyNodeRefused(address, key, reason);
        Refuse(address, key?.ToShortString(), reason);
    }

    private AcceptResult Refuse(IPAddress address, string? node, DenyReason reason)
    {
        CountRefusal(reason);
        if (Policy.LogSecurityEvents)
        {
            _rejections.Refused(address, node, reason);
        }
        return new AcceptResult(SecurityDecision.Deny(reason), null);
    }

    internal void OnSlotReleased(ConnectionSlot slot)
    {
        _live.TryRemove(slot.Id, out _);
        slot.State.Close();
    }

    /// <summary>Live connections right now.</summary>
    public IReadOnlyCollection<ConnectionSlot> LiveConnections => _live.Values.ToList();

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
