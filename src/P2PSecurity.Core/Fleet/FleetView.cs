using System.Collections.Frozen;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Fleet;

/// <summary>
/// The fleet decisions in force, as one immutable snapshot swapped whole: what the gates read, with no Redis and
/// no database on the way. Blocks and bans of addresses are each one <see cref="BanRangeIndex"/> (one binary search,
/// no allocation); node keys are frozen sets.
/// </summary>
public sealed class FleetView
{
    public static FleetView Empty { get; } = new(StreamId.Zero, BanRangeIndex.Empty, BanRangeIndex.Empty,
        FrozenSet<NodeKey>.Empty, FrozenDictionary<NodeKey, long>.Empty, FrozenSet<NodeKey>.Empty, 0);

    private FleetView(StreamId lastId, BanRangeIndex blocked, BanRangeIndex banned, FrozenSet<NodeKey> blockedKeys,
        FrozenDictionary<NodeKey, long> bannedKeys, FrozenSet<NodeKey> allowedKeys, int count)
    {
        LastId = lastId;
        BlockedAddresses = blocked;
        BannedAddresses = banned;
        BlockedKeys = blockedKeys;
        BannedKeys = bannedKeys;
        AllowedKeys = allowedKeys;
        Count = count;
    }

    /// <summary>The last stream entry this view includes.</summary>
    public StreamId LastId { get; }

    public BanRangeIndex BlockedAddresses { get; }

    public BanRangeIndex BannedAddresses { get; }

    public FrozenSet<NodeKey> BlockedKeys { get; }

    /// <summary>Banned node keys and their expiry (Unix ms).</summary>
    public FrozenDictionary<NodeKey, long> BannedKeys { get; }

    public FrozenSet<NodeKey> AllowedKeys { get; }

    /// <summary>Decisions in force (blocks, bans not yet expired when the view was built, allows).</summary>
    public int Count { get; }

    public bool IsAddressBlocked(UInt128 key) => BlockedAddresses.SegmentCount > 0 && BlockedAddresses.IsBanned(key, 0);

    public bool IsAddressBanned(UInt128 key, long nowMs) => BannedAddresses.SegmentCount > 0 && BannedAddresses.IsBanned(key, nowMs);

    public bool IsKeyBlocked(NodeKey key) => BlockedKeys.Count > 0 && BlockedKeys.Contains(key);

    public bool IsKeyBanned(NodeKey key, long nowMs) => BannedKeys.Count > 0 && BannedKeys.TryGetValue(key, out var expires) && nowMs < expires;

    public bool IsKeyAllowed(NodeKey key) => AllowedKeys.Count > 0 && AllowedKeys.Contains(key);

    internal static FleetView Build(StreamId lastId, IEnumerable<FleetDecision> inForce, long nowMs)
    {
        var blocks = new List<Ban>();
        var bans = new List<Ban>();
        var blockedKeys = new HashSet<NodeKey>();
        var bannedKeys = new Dictionary<NodeKey, long>();
        var allowed = new HashSet<NodeKey>();
        var count = 0;
        foreach (var d in inForce)
        {
            switch (d.Action)
            {
                case FleetAction.Block when d.Target.IsNode:
                    blockedKeys.Add(d.Target.NodeKey);
                    break;
                case FleetAction.Block:
                    blocks.Add(new Ban(d.Target, BanSource.Fleet, "fleet", 0, Ban.Forever));
                    break;
                case FleetAction.Ban when d.ExpiresAtMs <= nowMs:
                    continue;
                case FleetAction.Ban when d.Target.IsNode:
                    bannedKeys[d.Target.NodeKey] = d.ExpiresAtMs;
                    break;
                case FleetAction.Ban:
                    bans.Add(new Ban(d.Target, BanSource.Fleet, "fleet", 0, d.ExpiresAtMs));
                    break;
                case FleetAction.Allow:
                    allowed.Add(d.Target.NodeKey);
                    break;
                default:
                    continue;
            }
            count++;
        }
        return new FleetView(lastId, BanRangeIndex.Build(blocks), BanRangeIndex.Build(bans), blockedKeys.ToFrozenSet(),
            bannedKeys.ToFrozenDictionary(), allowed.ToFrozenSet(), count);
    }
}
