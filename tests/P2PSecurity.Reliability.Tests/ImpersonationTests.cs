using P2PSecurity.Stress.Impersonation;

namespace P2PSecurity.Reliability.Tests;

/// <summary><c>p2psecurity-stress impersonation</c>, whole: it is short.</summary>
public sealed class ImpersonationTests
{
    [Fact]
    public async Task Impersonation_EveryAttack_FailsWhileEveryControlSucceeds()
    {
        var report = await ImpersonationSuite.RunAsync(serverDll: null, HarnessAssert.Progress, TestContext.Current.CancellationToken);

        HarnessAssert.Passed(report);
        HarnessAssert.Figure(report, "successes", 0);
        HarnessAssert.Figure(report, "controls_failed", 0);
        HarnessAssert.AtLeast(report, "attacks", 20);
        HarnessAssert.Figure(report, "successes.forged-certificate", 0);
        HarnessAssert.Figure(report, "successes.network-key-replay", 0);
        HarnessAssert.Figure(report, "successes.ipv4-block-bypass", 0);
        HarnessAssert.Figure(report, "successes.key-forms", 0);
    }
}
