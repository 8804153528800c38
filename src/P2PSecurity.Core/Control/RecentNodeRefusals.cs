using System.Net;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Control;

/// <summary>
/// Remembers the node keys most recently refused at the node gate, one entry per key (a node that retries every
/// second is one line with a count, not a flood), bounded: at most <see cref="Capacity"/> keys, and at most
/// <see cref="PerPrefix"/> from one address (an IPv6 address: its IPV6_LIMIT_PREFIX network). Feeds the control
/// channel's <c>pending</c> so an operator can approve a node that tries to connect.
/// </summary>
/// <remarks>
/// Minting keys is free, so one address could otherwise fill the list with fresh ones and push out a real node waiting
/// for approval. A new key from an address at its share replaces that address's own oldest entry; a new key when the
/// list is full replaces the oldest entry of the address holding the most. A node alone at its address is forgotten
/// only when every address holds just one entry, i.e. after <see cref="Capacity"/> different addresses came since.
/// </remarks>
public sealed class RecentNodeRefusals
{
    public const int DefaultCapacity = 256;

    /// <summary>Entries one address (or IPv6 prefix) may hold: a few nodes behind one NAT, not a flood.</summary>
    public const int DefaultPerPrefix = 8;

    private readonly Lock _lock = new();
    private readonly Dictionary<NodeKey, LinkedListNode<Entry>> _byKey = [];
    private readonly LinkedList<Entry> _byRecency = new(); // most recent last
    private readonly Dictionary<UInt128, int> _perPrefix = [];

    public RecentNodeRefusals(int capacity = DefaultCapacity, int perPrefix = DefaultPerPrefix)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perPrefix, 1);
        Capacity = capacity;
        PerPrefix = Math.Min(perPrefix, capacity);
    }

    public int Capacity { get; }

    public int PerPrefix { get; }

    /// <summary>Starts recording <paramref name="manager"/>'s node-gate refusals.</summary>
    public void Attach(SecurityManager manager) => manager.NodeRefused += OnNodeRefused;

    /// <summary>Stops recording.</summary>
    public void Detach(SecurityManager manager) => manager.NodeRefused -= OnNodeRefused;

    /// <summary>
    /// Records one refusal of <paramref name="key"/>. <paramref name="ipv6Prefix"/> groups IPv6 addresses as the
    /// per-address limits do (the attached manager's IPV6_LIMIT_PREFIX when recorded from its event).
    /// </summary>
    public void Record(NodeKey key, IPAddress address, DenyReason reason, DateTimeOffset at, int ipv6Prefix = 64)
    {
        var prefix = IpAddressKey.LimitKey(IpAddressKey.From(address), ipv6Prefix);
        lock (_lock)
        {
            if (_byKey.TryGetValue(key, out var node))
            {
                _byRecency.Remove(node);
                Count(node.Value.Prefix, -1);
                node.Value.Update(address, prefix, reason, at);
                if (_perPrefix.GetValueOrDefault(prefix) >= PerPrefix)
                {
                    Forget(prefix); // it came back from another address, which is at its share
                }
                Count(prefix, +1);
                _byRecency.AddLast(node);
                return;
            }
            MakeRoom(prefix);
            Count(prefix, +1);
            _byKey[key] = _byRecency.AddLast(new Entry(key, address, prefix, reason, at));
        }
    }

    /// <summary>Makes room for one more entry from <paramref name="prefix"/>: its own oldest if at its share, else the busiest address's oldest if full.</summary>
    private void MakeRoom(UInt128 prefix)
    {
        if (_perPrefix.GetValueOrDefault(prefix) >= PerPrefix)
        {
            Forget(prefix);
        }
        else if (_byKey.Count >= Capacity)
        {
            // At most Capacity prefixes and entries: a scan of each, only when a new key arrives on a full list.
            var busiest = _perPrefix.MaxBy(p => p.Value).Key;
            Forget(busiest);
        }
    }

    /// <summary>Forgets the oldest entry of <paramref name="prefix"/>.</summary>
    private void Forget(UInt128 prefix)
    {
        for (var node = _byRecency.First; node is not null; node = node.Next)
        {
            if (node.Value.Prefix == prefix)
            {
                _byRecency.Remove(node);
                _byKey.Remove(node.Value.Key);
                Count(prefix, -1);
                return;
            }
        }
    }

    private void Count(UInt128 prefix, int delta)
    {
        var n = _perPrefix.GetValueOrDefault(prefix) + delta;
        if (n > 0)
        {
            _perPrefix[prefix] = n;
        }
        else
        {
            _perPrefix.Remove(prefix);
        }
    }

    /// <summary>The remembered keys, most recent first, judged against <paramref name="policy"/> as it is now.</summary>
    public List<PendingNodeInfo> Snapshot(SecurityPolicy policy)
    {
        List<Entry> entries;
        lock (_lock)
        {
            entries = [.. _byRecency.Select(e => e.Clone())];
        }
        entries.Reverse();
        return [.. entries.Select(e => new PendingNodeInfo
        {
            NodeKey = e.Key.ToString(),
            Address = e.Address.ToString(),
            FirstSeen = e.FirstSeen,
            LastSeen = e.LastSeen,
            Attempts = e.Attempts,
            Reason = e.Reason.Code(),
            Description = e.Reason.Describe(),
            Now = Judge(policy, e.Key).Code(),
        })];
    }

    private static DenyReason Judge(SecurityPolicy policy, NodeKey key) =>
        !policy.Enabled ? DenyReason.None
        : policy.BlockedNodeKeys.Contains(key) ? DenyReason.NodeBlocked
        : policy.WhitelistMode && !policy.AllowedNodeKeys.Contains(key) ? DenyReason.NodeNotAllowed
        : DenyReason.None;

    private void OnNodeRefused(object? sender, NodeRefusedEventArgs e) =>
        Record(e.Key, e.Address, e.Reason, e.At, (sender as SecurityManager)?.Policy.Ipv6LimitPrefix ?? SecurityPolicy.Defaults.Ipv6LimitPrefix);

    private sealed class Entry(NodeKey key, IPAddress address, UInt128 prefix, DenyReason reason, DateTimeOffset at)
    {
        public NodeKey Key { get; } = key;
        public IPAddress Address { get; private set; } = address;
        public UInt128 Prefix { get; private set; } = prefix;
        public DenyReason Reason { get; private set; } = reason;
        public DateTimeOffset FirstSeen { get; private init; } = at;
        public DateTimeOffset LastSeen { get; private set; } = at;
        public long Attempts { get; private set; } = 1;

        public void Update(IPAddress address, UInt128 prefix, DenyReason reason, DateTimeOffset at)
        {
            Address = address;
            Prefix = prefix;
            Reason = reason;
            LastSeen = at;
            Attempts++;
        }

        public Entry Clone() => new(Key, Address, Prefix, Reason, LastSeen) { FirstSeen = FirstSeen, Attempts = Attempts };
    }
}
