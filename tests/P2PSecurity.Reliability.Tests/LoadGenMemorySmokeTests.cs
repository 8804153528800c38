using P2PSecurity.LoadGen.Figures;

namespace P2PSecurity.Reliability.Tests;

/// <summary>
/// The memory figure of the benchmark harness at a tiny size: its servers run as child processes (as in the
/// benchmark), every connection is welcomed and each server process reports every session open.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class LoadGenMemorySmokeTests
{
    [Fact]
    public async Task MemoryFigure_TinyRun_ServerProcessesHoldEverySession()
    {
        var report = await MemoryFigure.RunAsync(LoadGenSmokeTests.Tiny(20), TestContext.Current.CancellationToken);

        // A few dozen connections move the working set by less than its noise: no ratio is asserted here.
        Assert.True(report.Consistent, string.Join('\n', report.Problems));
        var pair = Assert.Single(report.Pairs);
        Assert.NotNull(pair.SubjectSecondary);
        Assert.NotNull(pair.BaselineSecondary);
    }
}
