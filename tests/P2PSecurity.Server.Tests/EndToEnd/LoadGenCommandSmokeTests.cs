using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>
/// The load generator's dashboard figures (issue 12), run as the benchmark runs them: the built
/// <c>p2psecurity-loadgen</c> as a process of its own, with its servers in processes of their own, at a tiny size.
/// Each must finish with its checks passed (exit code 0, or 1 when this busy machine misses a target; never 3, a
/// failed check, nor a crash) and write its report. Nothing is timed here: the figures are the benchmark's business.
/// The test names no type of the bench project; it only needs the built harness next to it.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class LoadGenCommandSmokeTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private readonly PolicyFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task NodesPage_TinyRun_PagesShowWhatTheyShouldAndReportIsWritten()
    {
        var report = await RunAsync("nodes-page", "--keys", "300", "--requests", "3", "--changes", "2");

        Assert.Contains("Nodes page with 300 allowed keys", report, StringComparison.Ordinal);
        Assert.Contains("| HTML page, search by label |", report, StringComparison.Ordinal);
        Assert.Contains("| HTML page, first after a change (one key added) |", report, StringComparison.Ordinal);
        Assert.DoesNotContain("CHECK FAILED", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedMetrics_TinyRun_ConsistentRoundsAndScrapes()
    {
        var report = await RunAsync("refused-metrics", "--count", "60", "--rounds", "1", "--concurrency", "4");

        Assert.Contains("Refused connections per second with metrics on (issue 12)", report, StringComparison.Ordinal);
        Assert.Contains("| **median** |", report, StringComparison.Ordinal);
        Assert.Matches(@"\(\d+ scrapes\)", report);
    }

    [Fact]
    public async Task RefusedEvents_TinyRun_ConsistentRoundsWithFollowers()
    {
        var report = await RunAsync("refused-events", "--count", "60", "--rounds", "1", "--concurrency", "4");

        Assert.Contains("| **median** |", report, StringComparison.Ordinal);
        Assert.Contains("following", report, StringComparison.Ordinal);
    }

    /// <summary>Runs the built load generator with <paramref name="args"/> and <c>--markdown</c>; returns the Markdown it wrote.</summary>
    private async Task<string> RunAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "p2psecurity-loadgen.dll");
        Assert.True(File.Exists(dll), $"the load generator is not built next to the tests ({dll})");
        var markdown = _folder.File("report.md");
        var result = await ExternalProcess.RunAsync(Dotnet(), [dll, .. args, "--markdown", markdown], timeout: Bound, workingDirectory: _folder.Path);

        Assert.True(result.ExitCode is 0 or 1, $"exit code {result.ExitCode}\n{result.StdoutText}\n{result.Stderr}");
        Assert.True(File.Exists(markdown), $"no report written\n{result.StdoutText}\n{result.Stderr}");
        return await File.ReadAllTextAsync(markdown, TestContext.Current.CancellationToken);
    }

    private static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
