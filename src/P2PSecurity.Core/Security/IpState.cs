using System.Net;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// What the server remembers about one remote address: live connections and rate buckets. This is state, not
/// policy: it survives reloads, and the limits it is checked against come from the current policy at each call.
/// </summary>
internal sealed class IpState(Connections.ConnectionTable table, IPAddress address, UInt128 key)
{
    private readonly Lock _lock = new();
    private TokenBucket _connectBucket;
    private TokenBucket _messageBucket;
    private int _connections;

    // The live slots of this address, linked through the slots themselves: admitting a connection allocates its
    // slot and nothing else, and releasing it takes the one lock it already needs for the count.
    private ConnectionSlot? _firstLive;

    /// <summary>The table this state is in: where its slots give their counts back (kept here, not in every slot).</summary>
    public Connections.ConnectionTable Table { get; } = table;

    public IPAddress Address { get; } = address;

    public UInt128 Key { get; } = key;

    /// <summary>This address's (or prefix's) handshakes not yet welcomed; guarded by <see cref="PendingHandshakes"/>.</summary>
    public PendingGroup Pending { get; } = new();

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Set when the sweeper removed this state from the table; a removed state must not be reused.</summary>
    public bool Removed { get; private set; }

    public DenyReason TryOpen(SecurityPolicy policy, long now, long frequency, bool enforce)
    {
        lock (_lock)
        {
            if (Removed)
            {
                return DenyReason.InternalError; // caller retries with a fresh state
            }
            if (enforce)
            {
                if (!_connectBucket.TryTake(policy.ConnectionRateLimit, now, frequency))
                {
                    return DenyReason.ConnectionRateExceeded;
                }
                if (_connections >= policy.MaxConnectionsPerIp)
                {
                    return DenyReason.TooManyConnectionsFromIp;
                }
            }
            _connections++;
            return DenyReason.None;
        }
    }

    /// <summary>Adds an admitted slot to this address's live list (after <see cref="TryOpen"/> counted it).</summary>
    public void Link(ConnectionSlot slot)
    {
        lock (_lock)
        {
            slot.NextLive = _firstLive;
            if (_firstLive is not null)
            {
                _firstLive.PreviousLive = slot;
            }
            _firstLive = slot;
        }
    }

    /// <summary>Gives back the slot's count and takes it off the live list; called once per slot.</summary>
    public void Close(ConnectionSlot slot)
    {
        lock (_lock)
        {
            _connections--;
            if (slot.PreviousLive is { } previous)
            {
                previous.NextLive = slot.NextLive;
            }
            else if (ReferenceEquals(_firstLive, slot))
            {
                _firstLive = slot.NextLive;
            }
            if (slot.NextLive is { } next)
            {
                next.PreviousLive = slot.PreviousLive;
            }
            slot.PreviousLive = null;
            slot.NextLive = null;
        }
    }

    /// <summary>Adds this address's live slots to <paramref name="into"/>.</summary>
    public void CopyLiveTo(List<ConnectionSlot> into)
    {
        lock (_lock)
        {
            for (var slot = _firstLive; slot is not null; slot = slot.NextLive)
            {
                into.Add(slot);
            }
        }
    }

    public bool TryTakeMessage(RateLimit limit, long now, long frequency)
    {
        lock (_lock)
        {
            return _messageBucket.TryTake(limit, now, frequency);
        }
    }

    /// <summary>
    /// Marks the state removed if it holds nothing worth keeping (no connections, full buckets). With
    /// <paramref name="forgetRates"/>, also when its buckets are not full: the table is full, and a state without a
    /// connection is then worth less than room for a new address.
    /// </summary>
    public bool TryRetire(SecurityPolicy policy, long now, long frequency, bool forgetRates = false)
    {
        lock (_lock)
        {
            if (_connections == 0 && (forgetRates || (_connectBucket.IsFull(policy.ConnectionRateLimit, now, frequency) &&
                _messageBucket.IsFull(policy.MessageRateLimit, now, frequency))))
            {
                Removed = true;
            }
            return Removed;
        }
    }
}
