using P2PSecurity.Stress.HeldLoad;

namespace P2PSecurity.Reliability.Tests;

/// <summary>The short version of <c>p2psecurity-stress held-load</c>.</summary>
public sealed class HeldLoadTests
{
    [Fact]
    public async Task HeldLoad_200ConnectionsFiveSecondsWithReloads_NoMessageLostEveryReloadApplied()
    {
        var report = await HeldLoadHarness.RunAsync(new HeldLoadOptions
        {
            Connections = 200,
            Hold = TimeSpan.FromSeconds(5),
            PingInterval = TimeSpan.FromMilliseconds(1000),
            BroadcastInterval = TimeSpan.FromMilliseconds(500),
            ReloadInterval = TimeSpan.FromMilliseconds(1000),
            // Each edit in one write: a writer paused for over 100 ms between pieces on a loaded CI machine would be
            // read half-way, a limit the server documents. The race itself is InPlaceWriteTests' (deterministic) and
            // the long run's (held-load --check-flood).
            EditPieceBytes = 0,
        }, HarnessAssert.Progress, TestContext.Current.CancellationToken);

        HarnessAssert.Passed(report);
        HarnessAssert.Figure(report, "connections_held", 200);
        HarnessAssert.Figure(report, "pings_unanswered", 0);
        HarnessAssert.Figure(report, "broadcast_relays_missing", 0);
        HarnessAssert.AtLeast(report, "reloads_applied", 4);
        HarnessAssert.AtLeast(report, "messages", 800);
    }
}
