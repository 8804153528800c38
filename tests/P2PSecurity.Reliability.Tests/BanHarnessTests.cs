using P2PSecurity.Stress.Bans;

namespace P2PSecurity.Reliability.Tests;

/// <summary>The short versions of <c>p2psecurity-stress ban-tool</c> and <c>ban-flood</c>.</summary>
public sealed class BanHarnessTests
{
    [Fact]
    public async Task BanTool_200BansOverTheControlSocket_EachInForceWhenAnswered()
    {
        var report = await BanToolHarness.RunAsync(200, 200, 8, 2, 20, serverDll: null, HarnessAssert.Progress, TestContext.Current.CancellationToken);

        HarnessAssert.Passed(report);
        HarnessAssert.Figure(report, "ban_requests_failed", 0);
        HarnessAssert.Figure(report, "probed_bans_not_in_force_at_the_answer", 0);
        HarnessAssert.Figure(report, "bans_held_at_the_end", 402);
    }

    [Fact]
    public async Task BanFlood_120000Offenders_TablesBoundedDecisionsServed()
    {
        // MAX_BANS below the flood: the table stays at it, automatic bans closest to expiry making room.
        var report = await BanFloodHarness.RunAsync(120_000, 20_000, HarnessAssert.Progress, TestContext.Current.CancellationToken);

        HarnessAssert.Passed(report);
        HarnessAssert.Figure(report, "bans_held", 20_000);
        HarnessAssert.Figure(report, "good_decisions_refused", 0);
    }
}
