using P2PSecurity.Stress.WireFuzz;

namespace P2PSecurity.Reliability.Tests;

/// <summary>The short version of <c>p2psecurity-stress wire-fuzz</c>.</summary>
public sealed class WireFuzzTests
{
    [Fact]
    public async Task WireFuzz_300HostileConnections_AllClosedServerUpAllowedNodeWelcomed()
    {
        var report = await WireFuzzer.RunAsync(new WireFuzzOptions { Count = 300, Concurrency = 16, IdleProbes = 5, Seed = 3 },
            HarnessAssert.Progress, TestContext.Current.CancellationToken);

        HarnessAssert.Passed(report);
        HarnessAssert.Figure(report, "hostile_connections", 300);
        HarnessAssert.Figure(report, "left_open", 0);
        HarnessAssert.Figure(report, "unexpected_answers", 0);
        HarnessAssert.Figure(report, "allowed_node_not_welcomed", 0);
        HarnessAssert.AtLeast(report, "closed_by_server", 200);
    }
}
