using P2PSecurity.Stress.BroadcastReplay;

namespace P2PSecurity.Reliability.Tests;

/// <summary><c>p2psecurity-stress broadcast-replay</c>, short: 2,000 newer ids instead of 200,000.</summary>
public sealed class BroadcastReplayTests
{
    [Fact]
    public async Task BroadcastReplay_AfterNewerIdsAndARestart_IsNeverDelivered()
    {
        var report = await BroadcastReplayHarness.RunAsync(2_000, serverDll: null, HarnessAssert.Progress, TestContext.Current.CancellationToken);

        HarnessAssert.Passed(report);
        HarnessAssert.Figure(report, "replays_delivered.after_newer_ids", 0);
        HarnessAssert.Figure(report, "replays_delivered.after_restart", 0);
        HarnessAssert.Figure(report, "controls_failed.genuine_not_delivered", 0);
    }
}
