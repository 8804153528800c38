namespace P2PSecurity.LoadGen.Measure;

/// <summary>
/// Interleaved rounds: baseline and subject take turns, so that whatever else the shared machine is doing weighs on
/// both alike. The order alternates between pairs (baseline first, then subject first, ...), which cancels a drift
/// such as a warming cache or a build that starts next door. Each pair gives one ratio; the figure is their median.
/// </summary>
internal static class SideBySide
{
    /// <param name="round">Runs one round of the subject (true) or the baseline (false); returns (value, secondary).</param>
    /// <param name="warmup">
    /// Runs one unrecorded round of each arm first: the first rounds of a fresh process run code the JIT has not
    /// optimized yet (tiered compilation), which would weigh on whichever arm goes first.
    /// </param>
    public static async Task<IReadOnlyList<RoundPair>> RunAsync(int rounds, Func<bool, int, Task<(double Value, double? Secondary)>> round, Action<string> progress, bool warmup = false)
    {
        if (warmup)
        {
            var b = await round(false, -1).ConfigureAwait(false);
            var s = await round(true, -1).ConfigureAwait(false);
            progress($"  warm-up: baseline {b.Value:N0}, subject {s.Value:N0} (not recorded)");
        }
        var pairs = new List<RoundPair>(rounds);
        for (var i = 0; i < rounds; i++)
        {
            var baselineFirst = i % 2 == 0;
            var first = await round(!baselineFirst, i).ConfigureAwait(false);
            var second = await round(baselineFirst, i).ConfigureAwait(false);
            var (baseline, subject) = baselineFirst ? (first, second) : (second, first);
            var pair = new RoundPair(i + 1, baselineFirst, baseline.Value, subject.Value, baseline.Secondary, subject.Secondary);
            pairs.Add(pair);
            progress($"  round {pair.Round}: baseline {pair.BaselineValue:N0}, subject {pair.SubjectValue:N0}, ratio {pair.Ratio:0.000}");
        }
        return pairs;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
