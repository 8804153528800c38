using P2PSecurity.Stress.EditCrash;

namespace P2PSecurity.Reliability.Tests;

/// <summary>The short version of <c>p2psecurity-stress edit-crash</c>: real manage_trusted_nodes processes, real SIGKILLs.</summary>
public sealed class EditCrashTests
{
    [Fact]
    public async Task EditCrash_TenParallelAddsAndSixKilledWriters_NoKeyLostFileAlwaysParses()
    {
        var report = await EditCrashHarness.RunAsync(new EditCrashOptions { Runs = 5, LifetimeRuns = 1, Parallel = 10, Seed = 4 },
            EditCrashHarness.FindTool(), HarnessAssert.Progress);

        Assert.True(report.Passed, report + "\n" + string.Join("\n", report.Failures));
        Assert.Equal(10, report.ParallelConfirmed);
        Assert.Equal(0, report.LostKeys);
        Assert.Equal(0, report.Unparseable);
        // The kills must really land in writes, or the run proves nothing about them.
        Assert.True(report.KilledBeforeRename + report.KilledAfterRename >= 3, report.ToString());
        // Every add that was not killed confirmed its key: the calibration add, 10 parallel, 2 per run, the last one.
        Assert.True(report.KeysConfirmed >= 1 + 10 + (2 * 6) + 1, report.ToString());
    }
}
