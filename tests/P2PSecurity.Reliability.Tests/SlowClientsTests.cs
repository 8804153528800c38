using P2PSecurity.Stress.SlowClients;

namespace P2PSecurity.Reliability.Tests;

/// <summary>The short version of <c>p2psecurity-stress slow-clients</c>.</summary>
public sealed class SlowClientsTests
{
    [Fact]
    public async Task SlowClients_50WithOneSecondTimeout_AllClosedInTimeAllowedNodeServed()
    {
        var report = await SlowClientsHarness.RunAsync(50, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), Enum.GetValues<SlowKind>(), // all five kinds: 50 clients are few enough to include full TLS handshakes
            serverDll: null, HarnessAssert.Progress, TestContext.Current.CancellationToken,
            refusalTarget: TimeSpan.FromSeconds(1)); // the 100 ms target is for the long run on a quiet machine (docs/RELIABILITY.md)

        HarnessAssert.Passed(report);
        HarnessAssert.Figure(report, "left_open", 0);
        HarnessAssert.Figure(report, "closed_late", 0);
        HarnessAssert.Figure(report, "closed_early", 0);
        HarnessAssert.Figure(report, "allowed_node_not_welcomed", 0);
        HarnessAssert.Figure(report, "blocked_not_refused", 0);
    }
}
