namespace P2PSecurity.LoadGen.Measure;

/// <summary>
/// Interleaved rounds, baseline, subject, baseline, subject, ..., baseline: each subject round sits between two
/// baseline rounds and is compared with their mean, so that whatever else the shared machine is doing weighs on
/// both arms alike, and neither arm ever runs right after itself. Each subject round gives one ratio; the figure
/// is their median.
/// </summary>
internal static class SideBySide
{
    /// <summary>A server that compiled at most this many methods in a warm-up round is warm.</summary>
    public const int QuietJitMethods = 50;

    /// <summary>Warm-up pairs at most, for a server whose JIT never quiets (the report shows the JIT counts).</summary>
    public const int MaxWarmupPairs = 10;

    /// <param name="round">Runs round <c>n</c> of the subject (true) or the baseline (false).</param>
    /// <param name="warmup">
    /// Runs unrecorded pairs first, until neither server's JIT compiled more than <see cref="QuietJitMethods"/>
    /// methods in its round: a fresh process runs code that tiered compilation has not optimized yet, and compiles
    /// it meanwhile, for some seconds of load on a busy machine; a round measured then measures the JIT.
    /// </param>
    public static async Task<IReadOnlyList<RoundPair>> RunAsync(int rounds, Func<bool, int, Task<RoundOutcome>> round, Action<string> progress, bool warmup = false)
    {
        for (var i = 0; warmup && i < MaxWarmupPairs; i++)
        {
            var b = await round(false, -1).ConfigureAwait(false);
            var s = await round(true, -1).ConfigureAwait(false);
            progress($"  warm-up {i + 1}: baseline {b.Value:N0} ({b.JitMethods:N0} methods compiled), subject {s.Value:N0} ({s.JitMethods:N0} methods compiled)");
            if (b.JitMethods <= QuietJitMethods && s.JitMethods <= QuietJitMethods)
            {
                break;
            }
        }
        var pairs = new List<RoundPair>(rounds);
        var before = await round(false, 0).ConfigureAwait(false);
        for (var i = 0; i < rounds; i++)
        {
            var subject = await round(true, i).ConfigureAwait(false);
            var after = await round(false, i + 1).ConfigureAwait(false);
            var pair = new RoundPair(i + 1, before, subject, after);
            pairs.Add(pair);
            progress($"  round {pair.Round}: baseline {before.Value:N0}, subject {subject.Value:N0}, baseline {after.Value:N0}: ratio {pair.Ratio:0.000}");
            before = after;
        }
        return pairs;
    }

    public static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    /// <summary>The <paramref name="p"/>-quantile, interpolated between the nearest ranks; NaN values are left out.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((rank - low) * (sorted[high] - sorted[low]));
    }
}
