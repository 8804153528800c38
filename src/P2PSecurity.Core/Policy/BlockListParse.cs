using P2PSecurity.Core.EnvFile;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// A parsed BLOCKED_IP_ADDRESSES value, kept by the reload path for the next reload: its entries in order, the
/// canonical set, every range sorted by its first address, and the merged <see cref="IpRangeSet"/>. A reload of a
/// file in which a few entries of 100,000 changed parses only the changed stretch of the value and derives the rest
/// from this (<see cref="Update"/>); a file whose value did not change at all reuses it whole.
/// </summary>
/// <remarks>Immutable once built; only valid values (no bad entry) are kept.</remarks>
internal sealed class BlockListParse
{
    /// <summary>Past this many changed entries (of the list's length, divided), the sets are rebuilt rather than patched.</summary>
    private const int PatchLimitDivisor = 8;

    private BlockListParse(string value, int[] starts, int[] lengths, Entry[] ranges, EntrySet entries, bool hasDuplicates, UInt128[] sortedFirsts, UInt128[] sortedLasts)
    {
        Value = value;
        _starts = starts;
        _lengths = lengths;
        _ranges = ranges;
        Entries = entries;
        _hasDuplicates = hasDuplicates;
        _sortedFirsts = sortedFirsts;
        _sortedLasts = sortedLasts;
        Set = IpRangeSet.FromSorted(sortedFirsts, sortedLasts);
    }

    private readonly int[] _starts;
    private readonly int[] _lengths;
    /// <summary>Each entry's range and canonical text, in list order (structs: 100,000 entries are not 100,000 objects).</summary>
    private readonly Entry[] _ranges;
    private readonly bool _hasDuplicates;
    private readonly UInt128[] _sortedFirsts;
    private readonly UInt128[] _sortedLasts;

    /// <summary>The list value as the file gives it (after quoting rules).</summary>
    public string Value { get; }

    /// <summary>The entries in canonical form, duplicates once (<see cref="SecurityPolicy.BlockedIpEntries"/>).</summary>
    public EntrySet Entries { get; }

    /// <summary>The ranges merged, for decisions (<see cref="SecurityPolicy.BlockedIps"/>).</summary>
    public IpRangeSet Set { get; }

    /// <summary>An entry that is not an address or CIDR: the entry, the error, and its line counted from the value's first line (0).</summary>
    public delegate void ErrorSink(string entry, string error, int lineInValue);

    /// <summary>Parses a whole value; null when any entry is bad (each one reported to <paramref name="error"/>).</summary>
    public static BlockListParse? Parse(string value, ErrorSink error)
    {
        var (starts, lengths, ranges, ok) = ParseStretch(value, 0, value.Length, 0, error);
        return ok ? Build(value, starts, lengths, ranges) : null;
    }

    /// <summary>
    /// Parses <paramref name="value"/> reusing what <paramref name="previous"/> parsed: the entries before the first
    /// changed character and after the last one are taken as they are, only the stretch between is parsed.
    /// </summary>
    public static BlockListParse? Update(BlockListParse previous, string value, ErrorSink error)
    {
        if (string.Equals(previous.Value, value, StringComparison.Ordinal))
        {
            return previous;
        }
        if (!ListEdit.TryFind(previous.Value, previous._starts, previous._lengths, value, out var edit))
        {
            return Parse(value, error);
        }
        var (midStarts, midLengths, midRanges, ok) = ParseStretch(value, edit.StretchStart, edit.StretchEnd, edit.FirstLine(value), error);
        if (!ok)
        {
            return null;
        }
        var n = previous._starts.Length;
        var (starts, lengths) = edit.Splice(previous._starts, previous._lengths, midStarts, midLengths);
        var ranges = edit.SpliceItems(previous._ranges, midRanges);

        var removed = previous._ranges.AsSpan(edit.KeepBefore, edit.Replaced);
        if (previous._hasDuplicates || (removed.Length + midRanges.Length) * PatchLimitDivisor > Math.Max(n, 1))
        {
            return Build(value, starts, lengths, ranges);
        }
        return Patch(previous, value, starts, lengths, ranges, removed, midRanges);
    }

    /// <summary>The previous sets with a few ranges taken out and a few put in: a copy and a pass, no sort, no re-hash.</summary>
    private static BlockListParse Patch(BlockListParse previous, string value, int[] starts, int[] lengths, Entry[] ranges, ReadOnlySpan<Entry> removed, Entry[] added)
    {
        var items = new HashSet<string>(previous.Entries.Items, StringComparer.Ordinal);
        var removedText = new List<string>(removed.Length);
        foreach (var range in removed)
        {
            items.Remove(range.Canonical);
        }
        var hasDuplicates = false;
        var addedText = new List<string>(added.Length);
        foreach (var range in added)
        {
            if (items.Add(range.Canonical))
            {
                addedText.Add(range.Canonical);
            }
            else
            {
                hasDuplicates = true;
            }
        }
        foreach (var range in removed)
        {
            // Removed and written again in the same stretch (a line moved, or re-typed): not a change.
            if (!items.Contains(range.Canonical))
            {
                removedText.Add(range.Canonical);
            }
        }
        addedText.RemoveAll(previous.Entries.Contains);

        // The sorted ranges: every kept one in order, the removed ones skipped, the added ones merged in.
        var skip = new bool[previous._sortedFirsts.Length];
        foreach (var range in removed)
        {
            var i = Array.BinarySearch(previous._sortedFirsts, range.First);
            while (i > 0 && previous._sortedFirsts[i - 1] == range.First)
            {
                i--;
            }
            while (previous._sortedFirsts[i] != range.First || previous._sortedLasts[i] != range.Last || skip[i])
            {
                i++;
            }
            skip[i] = true;
        }
        var put = added.Select(r => (r.First, r.Last)).Order().ToArray();
        var firsts = new UInt128[previous._sortedFirsts.Length - removed.Length + put.Length];
        var lasts = new UInt128[firsts.Length];
        var n = 0;
        var p = 0;
        for (var i = 0; i < previous._sortedFirsts.Length; i++)
        {
            if (skip[i])
            {
                continue;
            }
            var first = previous._sortedFirsts[i];
            while (p < put.Length && put[p].First < first)
            {
                (firsts[n], lasts[n]) = put[p++];
                n++;
            }
            firsts[n] = first;
            lasts[n] = previous._sortedLasts[i];
            n++;
        }
        while (p < put.Length)
        {
            (firsts[n], lasts[n]) = put[p++];
            n++;
        }
        var entries = new EntrySet(items, previous.Entries, addedText, removedText);
        return new BlockListParse(value, starts, lengths, ranges, entries, hasDuplicates, firsts, lasts);
    }

    private static BlockListParse Build(string value, int[] starts, int[] lengths, Entry[] ranges)
    {
        var items = new HashSet<string>(ranges.Length, StringComparer.Ordinal);
        var firsts = new UInt128[ranges.Length];
        var lasts = new UInt128[ranges.Length];
        for (var i = 0; i < ranges.Length; i++)
        {
            items.Add(ranges[i].Canonical);
            firsts[i] = ranges[i].First;
            lasts[i] = ranges[i].Last;
        }
        Array.Sort(firsts, lasts);
        return new BlockListParse(value, starts, lengths, ranges, new EntrySet(items), items.Count != ranges.Length, firsts, lasts);
    }

    private static (int[] Starts, int[] Lengths, Entry[] Ranges, bool Ok) ParseStretch(string value, int from, int to, int firstLine, ErrorSink error)
    {
        var stretch = value.AsSpan(from, to - from);
        // Counted first, so that the arrays are allocated once at their size (no growth, no copy).
        var count = 0;
        foreach (var _ in ListTokenizer.Tokens(stretch))
        {
            count++;
        }
        var starts = new int[count];
        var lengths = new int[count];
        var ranges = new Entry[count];
        var n = 0;
        var ok = true;
        foreach (var token in ListTokenizer.Tokens(stretch))
        {
            var entry = value.Substring(from + token.Start, token.Length);
            if (IpRange.TryParse(entry, out var first, out var last, out var canonical, out var message))
            {
                starts[n] = from + token.Start;
                lengths[n] = token.Length;
                ranges[n] = new Entry(first, last, canonical);
                n++;
            }
            else
            {
                error(entry, message, firstLine + token.Line);
                ok = false;
            }
        }
        return (starts, lengths, ranges, ok);
    }

    /// <summary>One entry: its range and its canonical text.</summary>
    private readonly record struct Entry(UInt128 First, UInt128 Last, string Canonical);
}
