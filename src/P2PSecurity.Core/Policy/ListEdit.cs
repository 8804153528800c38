namespace P2PSecurity.Core.Policy;

/// <summary>
/// Where a long list value changed between two reloads: the entries kept before the change, the entries kept after
/// it, and the stretch of the new value between them, the only part to tokenise and parse again. Shared by the
/// parses that a reload keeps (<see cref="BlockListParse"/>, <see cref="KeyListParse"/>).
/// </summary>
/// <param name="KeepBefore">Entries 0 to this (exclusive) of the old value are unchanged, at the same positions.</param>
/// <param name="KeepAfterFrom">Entries from this one of the old value on are unchanged, moved by <paramref name="Shift"/>.</param>
/// <param name="StretchStart">Where the changed stretch starts in the new value.</param>
/// <param name="StretchEnd">Where it ends (exclusive) in the new value.</param>
/// <param name="Shift">New length minus old length: how far the kept entries after the stretch moved.</param>
internal readonly record struct ListEdit(int KeepBefore, int KeepAfterFrom, int StretchStart, int StretchEnd, int Shift)
{
    /// <summary>
    /// The edit from <paramref name="old"/> (whose entries start at <paramref name="starts"/>, with
    /// <paramref name="lengths"/>) to <paramref name="value"/>; false when nothing before or after can be kept.
    /// </summary>
    /// <remarks>
    /// Kept before: entries that end before the common prefix does, so the separator after them is common too. Kept
    /// after: entries that start after the common suffix begins, so the separator before them is common too. The
    /// stretch between is therefore tokenised exactly as the whole new value would be there.
    /// </remarks>
    public static bool TryFind(string old, int[] starts, int[] lengths, string value, out ListEdit edit)
    {
        var prefix = old.AsSpan().CommonPrefixLength(value);
        var maxSuffix = Math.Min(old.Length, value.Length) - prefix;
        var suffix = Math.Min(CommonSuffixLength(old, value), maxSuffix);
        var n = starts.Length;
        var keepBefore = FirstIndex(n, i => starts[i] + lengths[i] >= prefix);
        var keepAfterFrom = FirstIndex(n, i => starts[i] > old.Length - suffix);
        if ((keepBefore == 0 && keepAfterFrom == n) || keepAfterFrom < keepBefore)
        {
            edit = default;
            return false;
        }
        var shift = value.Length - old.Length;
        var stretchStart = keepBefore == 0 ? 0 : starts[keepBefore - 1] + lengths[keepBefore - 1];
        var stretchEnd = keepAfterFrom == n ? value.Length : starts[keepAfterFrom] + shift;
        edit = new ListEdit(keepBefore, keepAfterFrom, stretchStart, stretchEnd, shift);
        return true;
    }

    /// <summary>How many entries of the old value the stretch replaces.</summary>
    public int Replaced => KeepAfterFrom - KeepBefore;

    /// <summary>The line (0: the value's first) on which the stretch starts in <paramref name="value"/>.</summary>
    public int FirstLine(string value) => value.AsSpan(0, StretchStart).Count('\n');

    /// <summary>
    /// The new entries' positions: the kept ones before, <paramref name="midStarts"/>/<paramref name="midLengths"/>
    /// (already positions in the new value), the kept ones after, moved by <see cref="Shift"/>.
    /// </summary>
    public (int[] Starts, int[] Lengths) Splice(int[] starts, int[] lengths, int[] midStarts, int[] midLengths)
    {
        var n = starts.Length;
        var total = KeepBefore + midStarts.Length + (n - KeepAfterFrom);
        var newStarts = new int[total];
        var newLengths = new int[total];
        Array.Copy(starts, newStarts, KeepBefore);
        Array.Copy(lengths, newLengths, KeepBefore);
        midStarts.CopyTo(newStarts, KeepBefore);
        midLengths.CopyTo(newLengths, KeepBefore);
        var after = KeepBefore + midStarts.Length;
        for (var i = KeepAfterFrom; i < n; i++)
        {
            newStarts[after + i - KeepAfterFrom] = starts[i] + Shift;
        }
        Array.Copy(lengths, KeepAfterFrom, newLengths, after, n - KeepAfterFrom);
        return (newStarts, newLengths);
    }

    /// <summary>The per-entry items (parsed entries) spliced the same way as <see cref="Splice"/>.</summary>
    public T[] SpliceItems<T>(T[] items, T[] mid)
    {
        var n = items.Length;
        var result = new T[KeepBefore + mid.Length + (n - KeepAfterFrom)];
        Array.Copy(items, result, KeepBefore);
        mid.CopyTo(result, KeepBefore);
        Array.Copy(items, KeepAfterFrom, result, KeepBefore + mid.Length, n - KeepAfterFrom);
        return result;
    }

    /// <summary>The first index at which <paramref name="from"/> holds (it holds for every later index too).</summary>
    private static int FirstIndex(int count, Func<int, bool> from)
    {
        int lo = 0, hi = count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (from(mid))
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static int CommonSuffixLength(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        var x = a.AsSpan(a.Length - n);
        var y = b.AsSpan(b.Length - n);
        // Vectorised from the front of the tails; scan back from the end in blocks so a long common tail is cheap.
        var length = 0;
        const int Block = 4096;
        while (length < n)
        {
            var take = Math.Min(Block, n - length);
            var xs = x.Slice(n - length - take, take);
            var ys = y.Slice(n - length - take, take);
            if (xs.SequenceEqual(ys))
            {
                length += take;
                continue;
            }
            var i = take - 1;
            while (i >= 0 && xs[i] == ys[i])
            {
                i--;
            }
            return length + (take - 1 - i);
        }
        return length;
    }
}
