using System.Net;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// One admitted connection: it holds a count against its address until <see cref="Release"/>, which counts down
/// exactly once however often it is called (a close path may run twice). The transport registers an eviction
/// callback so that a reload which now refuses this connection can close it.
/// </summary>
/// <remarks>
/// Every admission allocates one of these and nothing else, so it is kept small: the flags and the forced reason
/// share one word (changed only by interlocked operations, so a flag set by one thread never undoes another's), the
/// node key is held without a nullable wrapper, and the table it goes back to is its address state's.
/// </remarks>
public sealed class ConnectionSlot
{
    private const int ReleasedFlag = 1;
    private const int SecuredFlag = 2;
    private const int AuthenticatedFlag = 4;
    private const int FleetEvictedFlag = 8;
    private const int OutboundFlag = 16;
    private const int HasNodeKeyFlag = 32;
    private const int ForcedReasonShift = 8;
    private const int ForcedReasonMask = 0xFF << ForcedReasonShift;

    private Action<SecurityDecision>? _evict;
    private NodeKey _nodeKey;
    private int _flags;

    private readonly long _openedTimestamp;

    internal ConnectionSlot(IpState state, IPAddress address, UInt128 addressKey, long id, long openedTimestamp, bool outbound)
    {
        State = state;
        Address = address;
        AddressKey = addressKey;
        Id = id;
        _openedTimestamp = openedTimestamp;
        _flags = outbound ? OutboundFlag : 0;
    }

    /// <summary>
    /// The state this connection is counted in: its address, or its IPv6 prefix (IPV6_LIMIT_PREFIX). Fixed for the
    /// slot's life, so that a reload that changes the prefix still releases the count where it was taken.
    /// </summary>
    internal IpState State { get; }

    /// <summary>The monotonic timestamp of the admission (for the handshake-duration histogram).</summary>
    internal long OpenedTimestamp => _openedTimestamp;
    /// <summary>The exact address's key: blocks are judged per address, whatever the limits count by.</summary>
    internal UInt128 AddressKey { get; }

    /// <summary>A number unique for the life of the process, for logs.</summary>
    public long Id { get; }

    /// <summary>The remote address, IPv4-mapped IPv6 shown as IPv4.</summary>
    public IPAddress Address { get; }

    /// <summary>When the connection was admitted (kept as a monotonic timestamp; the wall-clock time is worked out when asked).</summary>
    public DateTimeOffset OpenedAt => State.Table.TimeOf(_openedTimestamp);

    /// <summary>
    /// The node key TLS proved, once the secured stage (<see cref="SecurityManager.EvaluateSecured"/>) or the node gate
    /// has let the connection through; null before that, and for an anonymous peer.
    /// </summary>
    /// <remarks>Written before <see cref="Secured"/> or <see cref="Authenticated"/>, and published with its flag by an interlocked operation.</remarks>
    public NodeKey? NodeKey
    {
        get => Has(HasNodeKeyFlag) ? _nodeKey : null;
        internal set
        {
            if (value is { } key)
            {
                _nodeKey = key;
                Set(HasNodeKeyFlag, true);
            }
            else
            {
                Set(HasNodeKeyFlag, false);
            }
        }
    }

    /// <summary>
    /// True once TLS is complete and the secured stage let the connection on: from then on <see cref="NodeKey"/> is the
    /// peer's (null: anonymous), and a reload judges the key even before the node handshake finished.
    /// </summary>
    /// <remarks>Written after <see cref="NodeKey"/> with release semantics, so a reader that sees it sees the key.</remarks>
    public bool Secured
    {
        get => Has(SecuredFlag);
        internal set => Set(SecuredFlag, value);
    }

    /// <summary>
    /// The shown fingerprint (<see cref="Secrets.KeyFingerprint"/>) of the network key this connection proved, current
    /// or previous, for status; null when it proved none. Decisions use <see cref="ProvenSecret"/>.
    /// </summary>
    public string? NetworkKeyFingerprint { get; internal set; }

    /// <summary>True once the node gate has welcomed this connection.</summary>
    /// <remarks>Written after <see cref="ProvenSecret"/> with release semantics, as <see cref="Secured"/> is.</remarks>
    public bool Authenticated
    {
        get => Has(AuthenticatedFlag);
        internal set => Set(AuthenticatedFlag, value);
    }

    /// <summary>
    /// Which network secret this connection proved in its handshake (never the secret itself), so that a reload can
    /// evict a session whose secret is no longer accepted. <see cref="NetworkSecretFingerprint.None"/>: it proved none.
    /// </summary>
    internal NetworkSecretFingerprint ProvenSecret { get; set; }

    /// <summary>True when this connection was dialled by us (bootstrap), not accepted.</summary>
    public bool Outbound => Has(OutboundFlag);

    public bool IsReleased => Has(ReleasedFlag);

    /// <summary>Links of the owning address's live list; guarded by that address's lock.</summary>
    internal ConnectionSlot? PreviousLive { get; set; }

    internal ConnectionSlot? NextLive { get; set; }

    /// <summary>The pending group while the connection is not welcomed yet; links in it. Guarded by <see cref="PendingHandshakes"/>.</summary>
    internal PendingGroup? PendingGroup { get; set; }

    internal ConnectionSlot? PendingPrevious { get; set; }

    internal ConnectionSlot? PendingNext { get; set; }

    /// <summary>Set when the manager closed this connection for a reason of its own (a pending handshake evicted).</summary>
    internal DenyReason ForcedReason => (DenyReason)((Volatile.Read(ref _flags) & ForcedReasonMask) >> ForcedReasonShift);

    /// <summary>Called by the manager when a reload refuses this live connection.</summary>
    public void OnEvict(Action<SecurityDecision> evict) => Interlocked.Exchange(ref _evict, evict);

    /// <summary>
    /// Closes this connection whatever the policy says. The reason is recorded first, so that a transport which
    /// registers its callback only after this call still finds it (<see cref="SecurityManager.EvaluateEviction"/>).
    /// </summary>
    internal void Force(SecurityDecision decision)
    {
        var reason = ((int)decision.Reason << ForcedReasonShift) & ForcedReasonMask;
        var flags = Volatile.Read(ref _flags);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _flags, (flags & ~ForcedReasonMask) | reason, flags);
            if (seen == flags)
            {
                break;
            }
            flags = seen;
        }
        Evict(decision);
    }

    /// <summary>
    /// True the first time only: the fleet's enforcement pass judges every live connection on every new view, and
    /// closes each at most once (its close is on its way after the first).
    /// </summary>
    internal bool FirstFleetEviction() => (Interlocked.Or(ref _flags, FleetEvictedFlag) & FleetEvictedFlag) == 0;

    internal bool Evict(SecurityDecision decision)
    {
        var evict = Volatile.Read(ref _evict);
        if (evict is null || IsReleased)
        {
            return false;
        }
        evict(decision);
        return true;
    }

    /// <summary>Gives the connection's count back. Idempotent.</summary>
    public void Release()
    {
        if ((Interlocked.Or(ref _flags, ReleasedFlag) & ReleasedFlag) == 0)
        {
            State.Table.Release(this);
        }
    }

    private bool Has(int flag) => (Volatile.Read(ref _flags) & flag) != 0;

    /// <summary>Sets or clears one flag, leaving the others as they are (a full fence, so what was written before is published with it).</summary>
    private void Set(int flag, bool on)
    {
        if (on)
        {
            Interlocked.Or(ref _flags, flag);
        }
        else
        {
            Interlocked.And(ref _flags, ~flag);
        }
    }
}
