namespace P2PSecurity.Core.Bans;

/// <summary>
/// The address bans of a snapshot as sorted, disjoint segments, each with the latest expiry of the bans that cover
/// it: "is this address banned now" is one binary search and one comparison, with no allocation (as
/// <see cref="Policy.IpRangeSet"/> for the file's block list).
/// </summary>
/// <remarks>
/// Bans are CIDR blocks, which are nested or disjoint, never partly overlapping; a sweep with a stack of the blocks
/// open at the cursor flattens them. Expired bans still in the index simply compare as not banned, so a ban is gone
/// at its expiry even before the housekeeping pass drops it.
/// </remarks>
public sealed class BanRangeIndex
{
    private readonly UInt128[] _firsts;
    private readonly UInt128[] _lasts;
    private readonly long[] _expires;

    public static BanRangeIndex Empty { get; } = new([], [], []);

    private BanRangeIndex(UInt128[] firsts, UInt128[] lasts, long[] expires)
    {
        _firsts = firsts;
        _lasts = lasts;
        _expires = expires;
    }

    /// <summary>Number of segments (at most twice the number of bans, less where blocks touch).</summary>
    public int SegmentCount => _firsts.Length;

    /// <summary>The order of <see cref="BanTarget.CompareOrder"/>, for sorting bans.</summary>
    internal static readonly Comparison<Ban> ByOrder = static (x, y) => BanTarget.CompareOrder(x.Target, y.Target);

    /// <summary>Builds the index from the address bans (node bans are skipped).</summary>
    public static BanRangeIndex Build(IEnumerable<Ban> bans)
    {
        var ranges = bans.Where(b => !b.Target.IsNode).ToArray();
        Array.Sort(ranges, ByOrder);
        return BuildSorted(ranges);
    }

    /// <summary>
    /// Builds the index from bans in the order of <see cref="BanTarget.CompareOrder"/> (address bans first; it stops
    /// at the first node ban). No sort and no temporary copy: one sweep counts the segments, a second fills arrays of
    /// exactly that size, which matters when a snapshot of a million bans is rebuilt after every batch.
    /// </summary>
    internal static BanRangeIndex BuildSorted(ReadOnlySpan<Ban> sorted)
    {
        var counter = new SegmentWriter(null, null, null);
        Sweep(sorted, counter);
        if (counter.Count == 0)
        {
            return Empty;
        }
        var firsts = new UInt128[counter.Count];
        var lasts = new UInt128[counter.Count];
        var expires = new long[counter.Count];
        Sweep(sorted, new SegmentWriter(firsts, lasts, expires));
        return new BanRangeIndex(firsts, lasts, expires);
    }

    private static void Sweep(ReadOnlySpan<Ban> sorted, SegmentWriter builder)
    {
        var stack = new Stack<(UInt128 Last, long Expires)>();
        var cursor = UInt128.Zero;
        var cursorPastEnd = false;
        foreach (var ban in sorted)
        {
            if (ban.Target.IsNode)
            {
                break;
            }
            var first = ban.Target.First;
            var last = ban.Target.Last;
            var expires = ban.ExpiresAtMs;
            // Close the blocks that end before this one starts.
            while (stack.Count > 0 && stack.Peek().Last < first)
            {
                var (openLast, openExpires) = stack.Pop();
                if (!cursorPastEnd && cursor <= openLast)
                {
                    builder.Add(cursor, openLast, openExpires);
                }
                Advance(openLast, ref cursor, ref cursorPastEnd);
            }
            if (stack.Count > 0 && cursor < first)
            {
                builder.Add(cursor, first - 1, stack.Peek().Expires);
            }
            cursor = first;
            cursorPastEnd = false;
            var effective = stack.Count > 0 ? Math.Max(expires, stack.Peek().Expires) : expires;
            stack.Push((last, effective));
        }
        while (stack.Count > 0)
        {
            var (openLast, openExpires) = stack.Pop();
            if (!cursorPastEnd && cursor <= openLast)
            {
                builder.Add(cursor, openLast, openExpires);
            }
            Advance(openLast, ref cursor, ref cursorPastEnd);
        }
    }

    private static void Advance(UInt128 last, ref UInt128 cursor, ref bool pastEnd)
    {
        if (last == UInt128.MaxValue)
        {
            pastEnd = true;
        }
        else
        {
            cursor = last + 1;
        }
    }

    /// <summary>The latest expiry (Unix ms) of the bans covering the address, or 0 when none covers it.</summary>
    public long ExpiryOf(UInt128 key)
    {
        var hi = P2PSecurity.Core.Policy.RangeSearch.LastAtOrBelow(_firsts, key);
        return hi >= 0 && key <= _lasts[hi] ? _expires[hi] : 0;
    }

    /// <summary>True when a ban covering the address holds at <paramref name="nowMs"/>.</summary>
    public bool IsBanned(UInt128 key, long nowMs) => nowMs < ExpiryOf(key);

    /// <summary>Writes segments into arrays sized by a first pass with no arrays, which only counts.</summary>
    private sealed class SegmentWriter(UInt128[]? segmentFirsts, UInt128[]? segmentLasts, long[]? segmentExpires)
    {
        private UInt128 _last;
        private long _expires;

        public int Count { get; private set; }

        public void Add(UInt128 first, UInt128 last, long expires)
        {
            var n = Count;
            // Merge with the previous segment when they touch and expire together (a block split by a nested one
            // that expires no later).
            if (n > 0 && _expires == expires && _last != UInt128.MaxValue && _last + 1 == first)
            {
                _last = last;
                if (segmentLasts is not null)
                {
                    segmentLasts[n - 1] = last;
                }
                return;
            }
            if (segmentFirsts is not null)
            {
                segmentFirsts[n] = first;
                segmentLasts![n] = last;
                segmentExpires![n] = expires;
            }
            _last = last;
            _expires = expires;
            Count = n + 1;
        }
    }
}
