using P2PSecurity.Stress.PolicyFuzz;

namespace P2PSecurity.Reliability.Tests;

/// <summary>The short version of <c>p2psecurity-stress policy-fuzz</c>.</summary>
public sealed class PolicyFuzzTests
{
    [Fact]
    public void PolicyFuzz_200MutatedFiles_NoCrashNoPartialPolicyEveryErrorNamesALine()
    {
        var report = PolicyFuzzer.Run(200, seed: 5, HarnessAssert.Progress);

        var failures = string.Join("\n", report.Failures);
        Assert.Equal(200, report.Files);
        Assert.True(report.Crashes == 0, failures);
        Assert.True(report.PartiallyApplied == 0, failures);
        Assert.True(report.InvalidWithLine == report.Invalid, failures);
        Assert.True(report.ValidMismatches == 0, failures);
        Assert.True(report.Invalid > 0 && report.Valid > 0, $"the mutator should make both valid and invalid files: {report}");
    }
}
