using P2PSecurity.Stress.Flood;

namespace P2PSecurity.Reliability.Tests;

/// <summary>The short version of <c>p2psecurity-stress flood</c>.</summary>
public sealed class FloodTests
{
    [Fact]
    public async Task Flood_ThreeSecondsFromBlockedAddress_AllRefusedLogBoundedAllowedNodeServed()
    {
        var report = await FloodHarness.RunAsync(3, 16, serverDll: null, HarnessAssert.Progress, TestContext.Current.CancellationToken);

        HarnessAssert.Passed(report);
        HarnessAssert.Figure(report, "blocked_connections_admitted", 0);
        HarnessAssert.AtLeast(report, "refusals_per_second", 100);
        HarnessAssert.Figure(report, "allowed_node_not_welcomed", 0);
        // Every refusal the clients saw is accounted for in the log (one line each, or counted in a summary line).
        Assert.True(report["refusals_in_log"].Value > 0, report.ToString());
    }

    [Fact]
    public async Task Flood_ThreeSecondsFrom500BlockedAddresses_LogStaysBounded()
    {
        var report = await FloodHarness.RunAsync(3, 16, 500, serverDll: null, HarnessAssert.Progress, TestContext.Current.CancellationToken);

        HarnessAssert.Passed(report);
        HarnessAssert.Figure(report, "blocked_connections_admitted", 0);
        // 500 addresses: without the per-window cap on summaries this is about one line per address.
        Assert.True(report["security_log_lines_from_flood"].Value < 250, report.ToString());
    }
}
