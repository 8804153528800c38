using System.Collections.Frozen;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Bans;

/// <summary>
/// The bans in force, as one immutable snapshot swapped whole (like <see cref="SecurityPolicy"/>): a decision reads
/// it once and never sees half of a change. Built by <see cref="BanList"/>'s single writer, never by a decision.
/// </summary>
public sealed class BanSnapshot
{
    public static BanSnapshot Empty { get; } = new(0, [], BanRangeIndex.Empty, FrozenDictionary<NodeKey, long>.Empty, 0, Ban.Forever);

    private BanSnapshot(long version, Ban[] bans, BanRangeIndex addresses, FrozenDictionary<NodeKey, long> nodes, int operatorCount, long nextExpiryMs)
    {
        Version = version;
        Bans = bans;
        Addresses = addresses;
        Nodes = nodes;
        OperatorCount = operatorCount;
        NextExpiryMs = nextExpiryMs;
    }

    /// <summary>Increases with every snapshot published.</summary>
    public long Version { get; }

    /// <summary>Every ban held, some perhaps expired a moment ago (check <see cref="Ban.IsActive"/>).</summary>
    public IReadOnlyList<Ban> Bans { get; }

    public BanRangeIndex Addresses { get; }

    /// <summary>Banned node keys and their expiry (Unix ms).</summary>
    public FrozenDictionary<NodeKey, long> Nodes { get; }

    public int OperatorCount { get; }

    public int AutomaticCount => Bans.Count - OperatorCount;

    /// <summary>The earliest expiry of any ban held (<see cref="Ban.Forever"/> when none expires).</summary>
    public long NextExpiryMs { get; }

    /// <summary>True when a ban on a range holding this address key holds now.</summary>
    public bool IsAddressBanned(UInt128 key, long nowMs) => Addresses.IsBanned(key, nowMs);

    /// <summary>True when a ban on this node key holds now.</summary>
    public bool IsNodeBanned(NodeKey key, long nowMs) => nowMs < NodeExpiryOf(key);

    /// <summary>The expiry (Unix ms) of the ban on this node key, or 0 when there is none.</summary>
    public long NodeExpiryOf(NodeKey key) => Nodes.Count > 0 && Nodes.TryGetValue(key, out var expires) ? expires : 0;

    /// <summary>Builds a snapshot of <paramref name="bans"/>.</summary>
    public static BanSnapshot Build(long version, IReadOnlyCollection<Ban> bans)
    {
        var all = bans.ToArray();
        var operatorCount = 0;
        var next = Ban.Forever;
        var nodes = new Dictionary<NodeKey, long>();
        foreach (var ban in all)
        {
            if (ban.Source == BanSource.Operator)
            {
                operatorCount++;
            }
            next = Math.Min(next, ban.ExpiresAtMs);
            if (ban.Target.IsNode)
            {
                nodes[ban.Target.NodeKey] = ban.ExpiresAtMs;
            }
        }
        return new BanSnapshot(version, all, BanRangeIndex.Build(all), nodes.ToFrozenDictionary(), operatorCount, next);
    }
}
