namespace P2PSecurity.LoadGen.Measure;

/// <summary>
/// One figure's result: what was compared, every round, the medians, and the checks. A figure with problems (a
/// failed operation, counters that do not add up) has no valid ratio, whatever the numbers say.
/// </summary>
internal sealed record FigureReport
{
    public required string Title { get; init; }

    /// <summary>The unit of the values, e.g. "refused connections/s" or "bytes/connection".</summary>
    public required string Unit { get; init; }

    public required string Subject { get; init; }

    public required string Baseline { get; init; }

    public required string Load { get; init; }

    /// <summary>Name of the secondary measure, when there is one.</summary>
    public string? SecondaryUnit { get; init; }

    /// <summary>The lowest acceptable median ratio subject/baseline; null when the figure has no target.</summary>
    public double? Target { get; init; }

    public required IReadOnlyList<RoundPair> Pairs { get; init; }

    public IReadOnlyList<string> Problems { get; init; } = [];

    public IReadOnlyList<string> Notes { get; init; } = [];

    public double MedianRatio => SideBySide.Median(Pairs.Select(p => p.Ratio));

    public double MedianBaseline => SideBySide.Median(Pairs.Select(p => p.BaselineValue));

    public double MedianSubject => SideBySide.Median(Pairs.Select(p => p.SubjectValue));

    public double? MedianBaselineSecondary => SecondaryUnit is null ? null : SideBySide.Median(Pairs.Select(p => p.BaselineSecondary ?? double.NaN));

    public double? MedianSubjectSecondary => SecondaryUnit is null ? null : SideBySide.Median(Pairs.Select(p => p.SubjectSecondary ?? double.NaN));

    /// <summary>Median bytes the baseline and subject servers allocated per operation (null when not measured).</summary>
    public (double Baseline, double Subject)? MedianAllocatedPerOp =>
        Pairs.All(p => p.Subject.AllocatedPerOp is not null && p.Before.AllocatedPerOp is not null)
            ? (SideBySide.Median(Pairs.Select(p => p.Before.AllocatedPerOp!.Value)), SideBySide.Median(Pairs.Select(p => p.Subject.AllocatedPerOp!.Value)))
            : null;

    /// <summary>The spread of the per-round ratios: the 25th and 75th percentiles.</summary>
    public (double Low, double High) RatioQuartiles => (SideBySide.Percentile(Pairs.Select(p => p.Ratio), 0.25), SideBySide.Percentile(Pairs.Select(p => p.Ratio), 0.75));

    public bool Consistent => Problems.Count == 0;

    /// <summary>True when the checks passed and the target, if any, is met.</summary>
    public bool Passed => Consistent && (Target is not { } t || MedianRatio >= t);
}
