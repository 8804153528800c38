using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// The CPU a reload costs, which issue 9's reload targets are stated in: <c>reload-cpu LIST KIND SECONDS</c> reloads a
/// file of 100,000 keys in LIST (ALLOWED_NODE_KEYS or BLOCKED_NODE_KEYS) again and again for SECONDS, the file replaced
/// by rename before each reload (outside the measurement), and prints the process CPU (every thread, the GC's
/// included) and the wall time per reload. KIND: <c>entry</c> (one key of 100,000 replaced by another),
/// <c>setting</c> (HANDSHAKE_TIMEOUT changed, the list unchanged), <c>scratch</c> (nothing kept from the reload before).
/// </summary>
/// <remarks>
/// BenchmarkDotNet measures wall time, which on a loaded machine is mostly waiting for a core; CPU time is what a
/// reload takes from the accept loop's machine. Uses only public and long-standing members, so the same file runs
/// against an older Core for a side-by-side figure.
/// </remarks>
public static class ReloadCpu
{
    public static void Run(string[] args)
    {
        var list = args.Length > 1 ? args[1] : "ALLOWED_NODE_KEYS";
        var kind = args.Length > 2 ? args[2] : "entry";
        var seconds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;
        var dir = Path.Combine(Path.GetTempPath(), "p2ps-reload-cpu-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, ".env");
            var first = Text(list, "HANDSHAKE_TIMEOUT=10\n", replace: -1);
            var second = kind == "setting" ? Text(list, "HANDSHAKE_TIMEOUT=11\n", replace: -1) : Text(list, "HANDSHAKE_TIMEOUT=10\n", replace: 50_000);
            File.WriteAllText(path, first);
            using var manager = SecurityManager.Create(path, NullLogger.Instance, TimeProvider.System);
            manager.ReuseParsedLists = kind != "scratch";
            byte[][] versions = [Encoding.UTF8.GetBytes(first), Encoding.UTF8.GetBytes(second)];
            var process = Process.GetCurrentProcess();
            var cpu = TimeSpan.Zero;
            var wall = TimeSpan.Zero;
            var reloads = 0;
            var run = Stopwatch.StartNew();
            while (run.Elapsed.TotalSeconds < seconds || reloads < 10)
            {
                File.WriteAllBytes(path + ".tmp", versions[++reloads % 2]);
                File.Move(path + ".tmp", path, overwrite: true);
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                var result = manager.Reload("bench");
                wall += Stopwatch.GetElapsedTime(started);
                process.Refresh();
                cpu += process.TotalProcessorTime - cpuBefore;
                if (result.Outcome != ReloadOutcome.Applied)
                {
                    throw new InvalidOperationException("not applied: " + result.Outcome);
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{list} {kind}: {reloads} reloads, CPU {cpu.TotalMilliseconds / reloads:F1} ms, wall {wall.TotalMilliseconds / reloads:F1} ms per reload"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>100,000 keys in <paramref name="list"/>; key <paramref name="replace"/> (if any) replaced by one not listed.</summary>
    private static string Text(string list, string extra, int replace)
    {
        var sb = new StringBuilder(8 * 1024 * 1024);
        sb.Append("MAX_CONNECTIONS_PER_IP=100000\n").Append(extra).Append(list).Append("=\"\n");
        for (var i = 0; i < PolicyFiles.Count; i++)
        {
            sb.Append("  ").Append(PolicyFiles.Key(i == replace ? PolicyFiles.Count + 1 : i).ToString()).Append('\n');
        }
        return sb.Append("\"\n").ToString();
    }
}
