using System.Net;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Sources;

namespace P2PSecurity.Core.Security;

/// <summary>
/// The hook for bans, a policy source beside the file (see <see cref="BanList"/>). Kept in this one file and out of
/// the gates' logic: each gate asks one question here, on the <see cref="BanSnapshot"/> it read once.
/// </summary>
public sealed partial class SecurityManager
{
    // Written once, by AttachBans, before the server accepts connections; read by every decision.
    private BanList? _bans;

    /// <summary>The ban source, once attached.</summary>
    public BanList? Bans => Volatile.Read(ref _bans);

    /// <summary>
    /// Makes the gates consult <paramref name="bans"/>, lets them close the live sessions a new ban covers, and feeds
    /// them strikes. Call once, before the first connection.
    /// </summary>
    public void AttachBans(BanList bans)
    {
        bans.IsProtected = HasAllowedSessionIn;
        bans.Enforce = EvictBanned;
        Volatile.Write(ref _bans, bans);
        _views.AttachBans(bans);
    }

    /// <summary>
    /// The ban decision for an address at accept: <see cref="DenyReason.IpBanned"/> or none. One search of the index
    /// gives the latest expiry covering the address; <see cref="BanList.Holds"/> compares it without a clock read
    /// unless the ban expires within seconds, so a refusal costs the search and one comparison, and an admitted
    /// address the search alone.
    /// </summary>
    private DenyReason BanAtAccept(PolicyView view, UInt128 key) =>
        _bans is { } bans && bans.Holds(view.Bans.Addresses.ExpiryOf(key)) ? DenyReason.IpBanned : DenyReason.None;

    /// <summary>The ban decision at the node gate: the key, or (for a ban made since accept) the address.</summary>
    private DenyReason BanAtNodeGate(PolicyView view, ConnectionSlot slot, NodeKey? key)
    {
        if (_bans is not { } bans)
        {
            return DenyReason.None;
        }
        var snapshot = view.Bans;
        if (key is { } k && bans.Holds(snapshot.NodeExpiryOf(k)))
        {
            return DenyReason.NodeBanned;
        }
        return bans.Holds(snapshot.Addresses.ExpiryOf(slot.State.Key)) ? DenyReason.IpBanned : DenyReason.None;
    }

    /// <summary>Would the bans in <paramref name="snapshot"/> close this live connection?</summary>
    private static SecurityDecision EvaluateBanned(ConnectionSlot slot, BanSnapshot snapshot, BanList bans)
    {
        if (bans.Holds(snapshot.Addresses.ExpiryOf(slot.State.Key)))
        {
            return SecurityDecision.Deny(DenyReason.IpBanned);
        }
        return slot.NodeKey is { } key && bans.Holds(snapshot.NodeExpiryOf(key)) ? SecurityDecision.Deny(DenyReason.NodeBanned) : SecurityDecision.Allow;
    }

    /// <summary>For a connection registered just now (see <see cref="EvaluateEviction"/>): is it banned?</summary>
    private SecurityDecision EvaluateBannedNow(PolicyView view, ConnectionSlot slot) =>
        _bans is { } bans && view.File.Enabled ? EvaluateBanned(slot, view.Bans, bans) : SecurityDecision.Allow;

    /// <summary>Closes every live connection the new bans cover; called by the ban writer after it publishes <paramref name="snapshot"/>.</summary>
    private int EvictBanned(BanSnapshot snapshot, IReadOnlyList<Ban> added)
    {
        if (!Policy.Enabled || _bans is not { } bans)
        {
            return 0;
        }
        // Judged on the new bans only: a session an earlier ban covers was evicted by that ban's pass already.
        var fresh = BanSnapshot.Build(snapshot.Version, added);
        var closed = 0;
        foreach (var slot in LiveConnections)
        {
            var decision = EvaluateBanned(slot, fresh, bans);
            if (!decision.Allowed && slot.Evict(decision))
            {
                closed++;
                CountRefusal(decision.Reason);
                SecurityLog.SessionBanned(_logger, slot.Address.ToString(), slot.NodeKey?.ToShortString() ?? "-", decision.Reason.Code());
            }
        }
        return closed;
    }

    /// <summary>
    /// True when a welcomed session of an allowed node comes from inside <paramref name="target"/>: such an address
    /// is never banned automatically. "Allowed" means listed in ALLOWED_NODE_KEYS: in open mode any key is welcomed,
    /// so a session there proves nothing and would let an attacker shield its address with a throwaway key.
    /// </summary>
    private bool HasAllowedSessionIn(BanTarget target)
    {
        var policy = Policy;
        if (!policy.WhitelistMode)
        {
            return false;
        }
        foreach (var slot in LiveConnections)
        {
            if (slot.Authenticated && slot.NodeKey is { } key && policy.AllowedNodeKeys.Contains(key) && target.Covers(slot.State.Key))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Counts a refusal's offence against its address, for AUTO_BAN. Refusals that are not offences cost one switch.</summary>
    private void StrikeFor(IPAddress address, DenyReason reason)
    {
        var offence = reason switch
        {
            DenyReason.ConnectionRateExceeded => Offence.ConnectionRate,
            DenyReason.AuthenticationFailed or DenyReason.AuthenticationRequired => Offence.TlsFailed,
            DenyReason.NodeNotAllowed or DenyReason.NetworkKeyProofFailed => Offence.UnknownNode,
            DenyReason.NodeBlocked => Offence.BlockedNode,
            DenyReason.ProtocolViolation => Offence.ProtocolViolation,
            _ => Offence.None,
        };
        if (offence != Offence.None && _bans is { } bans)
        {
            bans.Strike(IpAddressKey.From(address), offence);
        }
    }

    /// <summary>A connection from <paramref name="address"/> did not finish its handshake in time (a strike for AUTO_BAN).</summary>
    public void ReportHandshakeTimeout(IPAddress address) => _bans?.Strike(IpAddressKey.From(address), Offence.HandshakeTimeout);

    /// <summary>A session was closed for sending on after message-rate notices (a strike for AUTO_BAN).</summary>
    public void ReportMessageFlood(ConnectionSlot slot) => _bans?.Strike(slot.State.Key, Offence.MessageFlood);
}
