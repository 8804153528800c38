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

    /// <summary>Builds the index from the address bans (node bans are skipped).</summary>
    public static BanRangeIndex Build(IEnumerable<Ban> bans)
    {
        var ranges = bans.Where(b => !b.Target.IsNode).Select(b => (b.Target.First, b.Target.Last, b.ExpiresAtMs)).ToArray();
        if (ranges.Length == 0)
        {
            return Empty;
        }
        // First ascending; at the same first, the larger block first, so that it is open when the smaller one starts.
        Array.Sort(ranges, static (x, y) => x.First != y.First ? x.First.CompareTo(y.First) : y.Last.CompareTo(x.Last));
        var builder = new SegmentBuilder(ranges.Length);
        var stack = new Stack<(UInt128 Last, long Expires)>();
        var cursor = UInt128.Zero;
        var cursorPastEnd = false;
        foreach (var (first, last, expires) in ranges)
        {
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
        return builder.Build();
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

    private sealed class SegmentBuilder(int capacity)
    {
        private readonly List<UInt128> _firsts = new(capacity);
        private readonly List<UInt128> _lasts = new(capacity);
        private readonly List<long> _expires = new(capacity);

        public void Add(UInt128 first, UInt128 last, long expires)
        {
            var n = _firsts.Count;
            // Merge with the previous segment when they touch and expire together (a block split by a nested one
            // that expires no later).
            if (n > 0 && _expires[n - 1] == expires && _lasts[n - 1] != UInt128.MaxValue && _lasts[n - 1] + 1 == first)
            {
                _lasts[n - 1] = last;
                return;
            }
            _firsts.Add(first);
            _lasts.Add(last);
            _expires.Add(expires);
        }

        public BanRangeIndex Build() => new([.. _firsts], [.. _lasts], [.. _expires]);
    }
}
