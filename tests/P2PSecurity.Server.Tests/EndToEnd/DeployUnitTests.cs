using System.Diagnostics;
using System.Runtime.Versioning;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>deploy/p2psecurity.service, checked by systemd's own parser (<c>systemd-analyze verify</c>).</summary>
[SupportedOSPlatform("linux")]
[Trait("Tier", "EndToEnd")]
public sealed class DeployUnitTests : IDisposable
{
    private const string InstalledBinary = "/opt/p2psecurity/p2psecurity-server";
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task UnitFile_SystemdAnalyzeVerify_ReportsNothing()
    {
        var unit = await File.ReadAllTextAsync(UnitPath(), TestContext.Current.CancellationToken);
        Assert.Contains("Type=notify", unit, StringComparison.Ordinal);
        Assert.Contains($"ExecStartPre={InstalledBinary} --check", unit, StringComparison.Ordinal);
        Assert.Contains("ExecReload=/bin/kill -HUP $MAINPID", unit, StringComparison.Ordinal);
        // verify checks that the programs exist: point them at the server built beside these tests.
        var local = unit.Replace(InstalledBinary, Path.Combine(AppContext.BaseDirectory, "p2psecurity-server"), StringComparison.Ordinal);
        var copy = _folder.File("p2psecurity.service");
        await File.WriteAllTextAsync(copy, local, TestContext.Current.CancellationToken);

        var (exit, output) = await RunAsync("systemd-analyze", "verify", copy);

        // verify exits 0 even for unknown keys and bad values; it reports them on stderr, so silence is the pass.
        Assert.True(exit == 0 && output.Length == 0, $"systemd-analyze verify: exit {exit}\n{output}");
    }

    [Fact]
    public async Task UnitFile_WithAMistake_IsReportedByVerify()
    {
        // The test above passes on silence; make sure a broken unit is not silent.
        var unit = (await File.ReadAllTextAsync(UnitPath(), TestContext.Current.CancellationToken))
            .Replace(InstalledBinary, Path.Combine(AppContext.BaseDirectory, "p2psecurity-server"), StringComparison.Ordinal)
            .Replace("ProtectSystem=strict", "ProtectSystm=strict", StringComparison.Ordinal);
        var copy = _folder.File("p2psecurity.service");
        await File.WriteAllTextAsync(copy, unit, TestContext.Current.CancellationToken);

        var (_, output) = await RunAsync("systemd-analyze", "verify", copy);

        Assert.Contains("Unknown key", output, StringComparison.Ordinal);
    }

    private static string UnitPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy", "p2psecurity.service");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("deploy/p2psecurity.service not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }

    public void Dispose() => _folder.Dispose();
}
