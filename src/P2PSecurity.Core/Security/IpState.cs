using System.Net;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// What the server remembers about one remote address: live connections and rate buckets. This is state, not
/// policy: it survives reloads, and the limits it is checked against come from the current policy at each call.
/// </summary>
internal sealed class IpState(IPAddress address, UInt128 key)
{
    private readonly Lock _gate = new();
    private TokenBucket _connectBucket;
    private TokenBucket _messageBucket;
    private int _connections;

    public IPAddress Address { get; } = address;

    public UInt128 Key { get; } = key;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Set when the sweeper removed this state from the table; a removed state must not be reused.</summary>
    public bool Removed { get; private set; }

    public DenyReason TryOpen(SecurityPolicy policy, long now, long frequency, bool enforce)
    {
        lock (_gate)
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

    public void Close()
    {
        lock (_gate)
        {
            _connections--;
        }
    }

    public bool TryTakeMessage(RateLimit limit, long now, long frequency)
    {
        lock (_gate)
        {
            return _messageBucket.TryTake(limit, now, frequency);
        }
    }

    /// <summary>Marks the state removed if it holds nothing worth keeping (no connections, full buckets).</summary>
    public bool TryRetire(SecurityPolicy policy, long now, long frequency)
    {
        lock (_gate)
        {
            if (_connections == 0 && _connectBucket.IsFull(policy.ConnectionRateLimit, now, frequency) &&
                _messageBucket.IsFull(policy.MessageRateLimit, now, frequency))
            {
                Removed = true;
            }
            return Removed;
        }
    }
}
