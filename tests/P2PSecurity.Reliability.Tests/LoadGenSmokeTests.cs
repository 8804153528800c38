using P2PSecurity.LoadGen.Figures;
using P2PSecurity.LoadGen.Load;
using P2PSecurity.LoadGen.Measure;

namespace P2PSecurity.Reliability.Tests;

/// <summary>
/// The benchmark harness (bench/P2PSecurity.LoadGen) runs each rate figure end to end at a tiny size, its servers
/// in this process: every operation succeeds and the servers' counters agree with the load's. Nothing here is
/// timed; speed is the benchmark's business. (<see cref="LoadGenMemorySmokeTests"/> has the memory figure.)
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class LoadGenSmokeTests
{
    internal static BenchSettings Tiny(int count) => new()
    {
        Rounds = 1,
        MemoryRounds = 1,
        Round = RoundSpec.Counted(count),
        Isolated = false,
        Concurrency = 8,
        MessageConnections = 10,
        IdleConnections = count,
    };

    [Fact]
    public async Task RefusedFigure_TinyRun_EveryConnectionClosedAndCounted()
    {
        var report = await RefusedFigure.RunAsync(Tiny(200), TestContext.Current.CancellationToken);

        AssertConsistent(report);
    }

    [Fact]
    public async Task HandshakeFigure_TinyRun_EveryHandshakeWelcomedAndCounted()
    {
        var report = await HandshakeFigure.RunAsync(Tiny(40), TestContext.Current.CancellationToken);

        AssertConsistent(report);
    }

    [Fact]
    public async Task MessageFigure_TinyRun_EveryPingAnsweredNoneDropped()
    {
        var report = await MessageFigure.RunAsync(Tiny(400), TestContext.Current.CancellationToken);

        AssertConsistent(report);
    }

    private static void AssertConsistent(FigureReport report)
    {
        Assert.True(report.Consistent, string.Join('\n', report.Problems));
        var pair = Assert.Single(report.Pairs);
        Assert.True(double.IsFinite(pair.Ratio), $"no ratio from baseline {pair.BaselineValue} and subject {pair.SubjectValue}");
        Assert.Contains("| **median** |", MarkdownReport.Render(report), StringComparison.Ordinal);
    }
}
