using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// A short job for a shared, noisy 2-core machine: one launch, a few warm-up and ten measured iterations. Results
/// are read as ratios to the baseline in the same class, which the noise affects alike; the median and the minimum
/// (the least disturbed iteration) are shown beside the mean.
/// </summary>
public class ShortConfig : ManualConfig
{
    public ShortConfig()
    {
        AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(10).WithId("short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
    }
}

/// <summary>For a benchmark that needs a fresh state per iteration (IterationSetup): a fixed number of calls each.</summary>
public class PerIterationConfig : ManualConfig
{
    public PerIterationConfig(int invocations, int iterations)
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(iterations)
            .WithInvocationCount(invocations).WithUnrollFactor(1).WithId("fixed"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
    }
}

/// <summary>100,000 admissions per iteration, released between iterations.</summary>
public sealed class AdmitConfig : PerIterationConfig
{
    public AdmitConfig()
        : base(100_000, 8)
    {
    }
}

/// <summary>One full reload per iteration (each takes tens of milliseconds).</summary>
public sealed class ReloadConfig : PerIterationConfig
{
    public ReloadConfig()
        : base(1, 10)
    {
    }
}
