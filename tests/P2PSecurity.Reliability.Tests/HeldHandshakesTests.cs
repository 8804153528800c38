using P2PSecurity.Stress.SlowClients;

namespace P2PSecurity.Reliability.Tests;

/// <summary>The short version of <c>p2psecurity-stress slow-clients --hold-seconds</c>.</summary>
public sealed class HeldHandshakesTests
{
    [Fact]
    public async Task HeldHandshakes_300AddressesOverAPendingCapOf100_AllowedNodeWelcomedIpv6PrefixHeldToItsLimit()
    {
        var report = await HeldHandshakesHarness.RunAsync(new HeldHandshakesOptions
        {
            Count = 300,
            Ipv6Flows = 30,
            Hold = TimeSpan.FromSeconds(8),
            PendingCap = 100, // below the addresses: the cap evicts, as 1,000 does for the 5,000 of the long run
            LatencyTarget = TimeSpan.FromSeconds(5), // the 2 s target is for the long run (docs/RELIABILITY.md); this one shares the machine with the suite
        }, HarnessAssert.Progress, TestContext.Current.CancellationToken);

        HarnessAssert.Passed(report);
        HarnessAssert.Figure(report, "allowed_node_not_welcomed", 0);
        HarnessAssert.Figure(report, "ipv4_left_open", 0);
        HarnessAssert.Figure(report, "ipv6_left_open", 0);
        HarnessAssert.AtLeast(report, "server_refusals", 1); // pending_handshake_evicted: the cap was reached and evicted
        Assert.InRange(report["ipv6_held_peak"].Value, 1, 3); // MAX_CONNECTIONS_PER_IP for the /64 of ::1
    }
}
