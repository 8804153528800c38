using System.Net;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Control;

/// <summary>
/// Remembers the node keys most recently refused at the node gate, one entry per key (a node that retries every
/// second is one line with a count, not a flood), bounded: beyond <see cref="Capacity"/> keys the oldest is
/// forgotten. Feeds the control channel's <c>pending</c> so an operator can approve a node that tries to connect.
/// </summary>
public sealed class RecentNodeRefusals
{
    public const int DefaultCapacity = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<NodeKey, LinkedListNode<Entry>> _byKey = [];
    private readonly LinkedList<Entry> _byRecency = new(); // most recent last

    public RecentNodeRefusals(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Starts recording <paramref name="manager"/>'s node-gate refusals.</summary>
    public void Attach(SecurityManager manager) => manager.NodeRefused += OnNodeRefused;

    /// <summary>Stops recording.</summary>
    public void Detach(SecurityManager manager) => manager.NodeRefused -= OnNodeRefused;

    /// <summary>Records one refusal of <paramref name="key"/>.</summary>
    public void Record(NodeKey key, IPAddress address, DenyReason reason, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var node))
            {
                _byRecency.Remove(node);
                node.Value.Update(address, reason, at);
                _byRecency.AddLast(node);
                return;
            }
            if (_byKey.Count >= Capacity)
            {
                var oldest = _byRecency.First!;
                _byRecency.RemoveFirst();
                _byKey.Remove(oldest.Value.Key);
            }
            _byKey[key] = _byRecency.AddLast(new Entry(key, address, reason, at));
        }
    }

    /// <summary>The remembered keys, most recent first, judged against <paramref name="policy"/> as it is now.</summary>
    public List<PendingNodeInfo> Snapshot(SecurityPolicy policy)
    {
        List<Entry> entries;
        lock (_gate)
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

    private void OnNodeRefused(object? sender, NodeRefusedEventArgs e) => Record(e.Key, e.Address, e.Reason, e.At);

    private sealed class Entry(NodeKey key, IPAddress address, DenyReason reason, DateTimeOffset at)
    {
        public NodeKey Key { get; } = key;
        public IPAddress Address { get; private set; } = address;
        public DenyReason Reason { get; private set; } = reason;
        public DateTimeOffset FirstSeen { get; private init; } = at;
        public DateTimeOffset LastSeen { get; private set; } = at;
        public long Attempts { get; private set; } = 1;

        public void Update(IPAddress address, DenyReason reason, DateTimeOffset at)
        {
            Address = address;
            Reason = reason;
            LastSeen = at;
            Attempts++;
        }

        public Entry Clone() => new(Key, Address, Reason, LastSeen) { FirstSeen = FirstSeen, Attempts = Attempts };
    }
}
