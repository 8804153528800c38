namespace P2PSecurity.LoadGen.Measure;

/// <summary>
/// Interleaved rounds: baseline and subject take turns, so that whatever else the shared machine is doing weighs on
/// both alike. The order alternates between pairs (baseline first, then subject first, ...), which cancels a drift
/// such as a warming cache or a build that starts next door. Each pair gives one ratio; the figure is their median.
/// </summary>
internal static class SideBySide
{
    /// <summary>A server that compiled at most this many methods in a warm-up round is warm.</summary>
    public const int QuietJitMethods = 50;

    /// <summary>Warm-up pairs at most, for a server whose JIT never quiets (then the figure says so).</summary>
    public const int MaxWarmupPairs = 8;

    /// <param name="round">Runs one round of the subject (true) or the baseline (false).</param>
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
        for (var i = 0; i < rounds; i++)
        {
            var baselineFirst = i % 2 == 0;
            var first = await round(!baselineFirst, i).ConfigureAwait(false);
            var second = await round(baselineFirst, i).ConfigureAwait(false);
            var (baseline, subject) = baselineFirst ? (first, second) : (second, first);
            var pair = new RoundPair(i + 1, baselineFirst, baseline.Value, subject.Value, baseline.Secondary, subject.Secondary, baseline.JitMethods, subject.JitMethods);
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
