namespace P2PSecurity.Core.Policy;

/// <summary>The look-up shared by the sorted range tables (the block list's ranges, the bans' ranges).</summary>
internal static class RangeSearch
{
    /// <summary>The index of the last entry of <paramref name="firsts"/> (sorted ascending) that is at most <paramref name="key"/>, or -1.</summary>
    public static int LastAtOrBelow(ReadOnlySpan<UInt128> firsts, UInt128 key)
    {
        var lo = 0;
        var hi = firsts.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (firsts[mid] <= key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return hi;
    }
}
