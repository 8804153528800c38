using P2PSecurity.Stress.ControlFuzz;

namespace P2PSecurity.Reliability.Tests;

/// <summary>The short version of <c>p2psecurity-stress control</c>: a real server process and its control socket.</summary>
public sealed class ControlFuzzTests
{
    [Fact]
    public async Task Control_300HostileRequests_EachAnsweredWithAnErrorOperatorStillServed()
    {
        var report = await ControlFuzzer.RunAsync(new ControlFuzzOptions { Count = 300, Concurrency = 16, Seed = 5 },
            HarnessAssert.Progress, TestContext.Current.CancellationToken);

        HarnessAssert.Passed(report);
        HarnessAssert.Figure(report, "no_reply", 0);
        HarnessAssert.Figure(report, "invalid_answered_ok", 0);
        HarnessAssert.Figure(report, "socket_mode", 0b110_000_000);
        HarnessAssert.AtLeast(report, "error_replies", 250);
        if (!double.IsNaN(report["other_user_requests_served"].Value))
        {
            // Root here: another user really tried, through the socket's permissions alone.
            HarnessAssert.Figure(report, "other_user_refused_by_permissions", 3);
            HarnessAssert.Figure(report, "other_user_served_socket_0666", 0);
            HarnessAssert.Figure(report, "other_user_refused_by_credentials", 3);
        }
    }
}
