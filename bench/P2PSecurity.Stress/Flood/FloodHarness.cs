using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.TestSupport;

namespace P2PSecurity.Stress.Flood;

/// <summary>
/// A connect flood from a blocked loopback address, or from many addresses of a blocked range (docs/RELIABILITY.md).
/// Figures: refusals per second, blocked connections let in (target 0), security-log lines the flood caused
/// (bounded by the rejection log's quotas per window), and an allowed node's handshake latency meanwhile.
/// </summary>
public static partial class FloodHarness
{
    /// <summary>The blocked range; one source floods from its first address, more sources take its next ones.</summary>
    private const string BlockedRange = "127.66.0.0/16";

    public static async Task<HarnessReport> RunAsync(int seconds, int concurrency, string? serverDll, Action<string> progress, CancellationToken ct) =>
        await RunAsync(seconds, concurrency, 1, serverDll, progress, ct);

    public static async Task<HarnessReport> RunAsync(int seconds, int concurrency, int sources, string? serverDll, Action<string> progress, CancellationToken ct)
    {
        var loadAtStart = MachineLoad.Describe();
        using var probeIdentity = NodeIdentity.Create();
        using var folder = new TempFolder();
        folder.WriteEnv(new HarnessEnv()
            .Set(PolicyKeys.AllowedNodeKeys, probeIdentity.NodeKey)
            .Set(PolicyKeys.BlockedIpAddresses, BlockedRange)
            .ToString());
        await using var server = await ServerUnderTest.StartAsync(folder, serverDll);
        var probe = new AllowedNodeProbe(server.EndPoint, probeIdentity, new AddressPool(202));
        var idle = await probe.MeasureAsync(20, ct, warmUp: 5);
        var linesBefore = folder.ReadLogLines().Count;
        await using var sampler = new MemorySampler(server.Pid, TimeSpan.FromMilliseconds(200));

        var pool = new AddressPool(66);
        var addresses = Enumerable.Range(0, sources).Select(_ => pool.Next()).ToArray();
        var from = sources == 1 ? $"{addresses[0]}" : $"{sources:N0} addresses of {BlockedRange}";
        progress($"flooding from {from} for {seconds} s with {concurrency} connect loops");
        var counters = new FloodCounters();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var probing = probe.RunUntilAsync(TimeSpan.FromMilliseconds(250), stop.Token);
        var turn = -1;
        IPAddress NextSource() => addresses[(int)((uint)Interlocked.Increment(ref turn) % (uint)addresses.Length)];
        var loops = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => FloodLoopAsync(server.EndPoint, NextSource, counters, stop.Token), ct)).ToList();
        await Task.WhenAll(loops);
        var floodTime = counters.Elapsed;
        var during = await probing;
        var end = await sampler.StopAsync();
        var exited = server.HasExited;
        // SIGTERM flushes the rejection log's last window, so that every refusal is in the file before it is counted.
        var exitCode = await server.StopAsync(TimeSpan.FromSeconds(15));
        var lines = folder.ReadLogLines();
        var floodLines = lines.Skip(linesBefore).Where(l => l.Contains("remote=127.66.", StringComparison.Ordinal) ||
            l.Contains("from 127.66.", StringComparison.Ordinal) || l.Contains("other addresses", StringComparison.Ordinal)).ToList();
        var logged = CountLoggedRefusals(floodLines);
        var windows = (int)Math.Ceiling(seconds / 10.0) + 2;
        // Per 10 s window: a few detailed lines per address (at most DetailedTotal in all), then summaries.
        var detailed = Math.Min(sources * RejectionLog.DetailedPerAddress, RejectionLog.DetailedTotal);
        var lineBound = windows * (detailed + Math.Min(sources, RejectionLog.MaxSummaryLines + 1));
        var perSecond = counters.PerSecond(Math.Max(1, (int)floodTime.TotalSeconds));

        var report = new HarnessReport("flood", loadAtStart)
            .Cpu(sampler)
            .Info("flood", seconds, $"{seconds} s from {from}, {concurrency} connect loops")
            .Info("refusals_per_second", counters.Refused / floodTime.TotalSeconds,
                string.Create(CultureInfo.InvariantCulture, $"{counters.Refused / floodTime.TotalSeconds:N0}/s average ({counters.Refused:N0} in {floodTime.TotalSeconds:F1} s); per second min {perSecond.Min():N0}, max {perSecond.Max():N0}"))
            .Zero("blocked_connections_admitted", counters.Admitted)
            .Info("client_connect_failures", counters.Failed, $"{counters.Failed:N0}")
            .Target("security_log_lines_from_flood", floodLines.Count, $"{floodLines.Count:N0} (all security-log lines during the run: {lines.Count - linesBefore:N0})",
                $"<= {lineBound} ({windows} windows of 10 s x ({detailed} detailed + {Math.Min(sources, RejectionLog.MaxSummaryLines + 1)} summaries))", floodLines.Count <= lineBound)
            .Info("refusals_in_log", logged, string.Create(CultureInfo.InvariantCulture,
                $"{logged:N0} counted by the server's log lines vs {counters.Refused:N0} refusals seen by the clients"))
            .Zero("server_exits", exited ? 1 : 0)
            .Zero("allowed_node_not_welcomed", idle.Failures + during.Failures)
            .Info("handshake_latency_idle", idle.Latency.P99Ms, idle.Latency.ToString())
            .Info("handshake_latency_flood", during.Latency.P99Ms, during.Latency.ToString())
            .Info("rss_mib", ProcessStats.Mib(sampler.PeakRssBytes), $"start {ProcessStats.Mib(sampler.Start.RssBytes):F0}, peak {ProcessStats.Mib(sampler.PeakRssBytes):F0}, end {ProcessStats.Mib(end.RssBytes):F0} MiB")
            .Info("server_exit_code", exitCode, $"{exitCode} after SIGTERM");
        foreach (var detail in counters.Details.Concat(during.Errors))
        {
            report.Note(detail);
        }
        foreach (var line in floodLines.Where(l => l.Contains("rejections_summarized", StringComparison.Ordinal)).Take(12))
        {
            report.Note(line);
        }
        return report;
    }

    /// <summary>One connect loop: connect from a blocked address, wait for the close, again until stopped.</summary>
    private static async Task FloodLoopAsync(IPEndPoint server, Func<IPAddress> source, FloodCounters counters, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await RawSocket.ConnectAsync(server, source(), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException ex)
            {
                counters.AddFailed($"connect: {ex.SocketErrorCode} {ex.Message}");
                continue;
            }
            using (socket)
            {
                var seen = await RawSocket.WaitForCloseAsync(socket, TimeSpan.FromSeconds(2), CancellationToken.None);
                if (seen is { Closed: true, BytesBefore: 0 })
                {
                    counters.AddRefused();
                }
                else
                {
                    counters.AddAdmitted($"a connection from the blocked address was {(seen.Closed ? $"sent {seen.BytesBefore} bytes" : "kept open 2 s")}");
                }
            }
        }
    }

    /// <summary>Refusals the log accounts for: one per detailed line, plus the counts of summary lines.</summary>
    private static long CountLoggedRefusals(IEnumerable<string> lines)
    {
        long total = 0;
        foreach (var line in lines)
        {
            if (line.Contains("connection_refused", StringComparison.Ordinal))
            {
                total++;
            }
            else if (SummaryCount().Match(line) is { Success: true } match)
            {
                total += long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            }
        }
        return total;
    }

    [GeneratedRegex(@"rejections_summarized ([\d,]+) more rejections")]
    private static partial Regex SummaryCount();
}
