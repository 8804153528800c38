using System.Diagnostics;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.TestSupport;

namespace P2PSecurity.Stress.WireFuzz;

/// <summary>
/// Wire fuzzing (docs/RELIABILITY.md): thousands of hostile connections of every <see cref="HostileKind"/> against
/// the server process, while an allowed node keeps connecting. Figures: hostile connections the server failed to
/// close, answers the protocol does not allow, server exits, the allowed node's handshake latency idle and during
/// the storm, and the server's memory and descriptors before, at the peak and after.
/// </summary>
public static class WireFuzzer
{
    private const int MaxFrameSize = 1024 * 1024;

    public static async Task<HarnessReport> RunAsync(WireFuzzOptions options, Action<string> progress, CancellationToken ct)
    {
        var loadAtStart = MachineLoad.Describe();
        using var probeIdentity = NodeIdentity.Create();
        using var stranger = NodeIdentity.Create();
        using var fuzzer = NodeIdentity.Create();
        using var folder = new TempFolder();
        folder.WriteEnv(new HarnessEnv()
            .Set(PolicyKeys.AllowedNodeKeys, $"{probeIdentity.NodeKey},{fuzzer.NodeKey}")
            .Set(PolicyKeys.HandshakeTimeout, $"{options.HandshakeTimeout.TotalMilliseconds:F0}ms")
            .Set(PolicyKeys.MaxFrameSize, MaxFrameSize)
            .Set(PolicyKeys.FrameTimeout, $"{options.FrameTimeout.TotalMilliseconds:F0}ms")
            .Set(PolicyKeys.MaxConnectionsPerIp, 5)
            .Set(PolicyKeys.ConnectionRateLimit, "60/min")
            .Set(PolicyKeys.MessageRateLimit, "100/s")
            .ToString());
        await using var server = await ServerUnderTest.StartAsync(folder, options.ServerDll);
        var probe = new AllowedNodeProbe(server.EndPoint, probeIdentity, new AddressPool(200));
        progress($"server pid {server.Pid} on port {server.Port}; {options.IdleProbes} idle handshakes");
        var idle = await probe.MeasureAsync(options.IdleProbes, ct, warmUp: 5);

        var baselineSockets = ServerSockets.SocketDescriptors(server.Pid);
        await using var sampler = new MemorySampler(server.Pid, TimeSpan.FromMilliseconds(100));
        var context = new HostileContext(server.EndPoint, stranger, fuzzer, MaxFrameSize, TimeSpan.FromTicks(Math.Max(options.HandshakeTimeout.Ticks, options.FrameTimeout.Ticks)) + TimeSpan.FromSeconds(3));
        var tally = new HostileTally();
        var clock = Stopwatch.StartNew();
        using var stormOver = new CancellationTokenSource();
        var probing = probe.RunUntilAsync(TimeSpan.FromMilliseconds(250), stormOver.Token);
        var next = 0;
        var kinds = Enum.GetValues<HostileKind>();
        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            var connection = new HostileConnection(context, new Random(HashCode.Combine(options.Seed, worker)));
            var random = new Random(HashCode.Combine(worker, options.Seed, 17));
            while (Interlocked.Increment(ref next) <= options.Count && !ct.IsCancellationRequested)
            {
                var kind = kinds[random.Next(kinds.Length)];
                tally.Add(kind, await connection.RunAsync(kind, ct));
                if (tally.Total % 1000 == 0)
                {
                    progress($"{tally.Total:N0} hostile connections, {clock.Elapsed.TotalSeconds:F0} s, server RSS {ProcessStats.Mib(sampler.Last.RssBytes):F0} MiB");
                }
            }
        }, ct)).ToList();
        await Task.WhenAll(workers);
        var stormTime = clock.Elapsed;
        await stormOver.CancelAsync();
        var storm = await probing;

        // Every hostile connection is over on the client side; the server must have let go of every one of them.
        var (stillOpen, stillHeld) = await ServerSockets.SettleAsync(server.Pid, server.Port, baselineSockets, context.Bound + TimeSpan.FromSeconds(10), ct);
        var after = await probe.MeasureAsync(5, ct);
        var end = await sampler.StopAsync();
        var start = sampler.Start;
        var exitedDuringRun = server.HasExited;

        // Stopped before the log is read: SIGTERM flushes the rejection log's summary of its last window.
        await server.StopAsync(TimeSpan.FromSeconds(10));
        var logLines = folder.ReadLogLines();
        var report = new HarnessReport("wire-fuzz", loadAtStart)
            .Cpu(sampler)
            .Info("hostile_connections", tally.Total, $"{tally.Total:N0} in {stormTime.TotalSeconds:F1} s ({tally.Total / stormTime.TotalSeconds:F0}/s), {options.Concurrency} at once")
            .Zero("server_exits", exitedDuringRun ? 1 : 0)
            .Zero("left_open", tally.Count(HostileResult.LeftOpen))
            .Zero("unexpected_answers", tally.Count(HostileResult.Unexpected))
            .Zero("connect_failures", tally.Count(HostileResult.ConnectFailed))
            .Info("closed_by_server", tally.Count(HostileResult.ClosedByServer), $"{tally.Count(HostileResult.ClosedByServer):N0} (the rest left by design: resets, client closes, well-formed pipelining)")
            .Zero("allowed_node_not_welcomed", storm.Failures + after.Failures + idle.Failures)
            .Info("handshake_latency_idle", idle.Latency.P99Ms, idle.Latency.ToString())
            .Info("handshake_latency_storm", storm.Latency.P99Ms, storm.Latency.ToString())
            .Target("oversize_close", tally.OversizeCloses.MaxMs, tally.OversizeCloses.ToString(),
                $"max < HANDSHAKE_TIMEOUT {options.HandshakeTimeout.TotalMilliseconds:F0} ms (closed on the length prefix, not by waiting)",
                tally.OversizeCloses.Count > 0 && tally.OversizeCloses.MaxMs < options.HandshakeTimeout.TotalMilliseconds)
            .Info("rss_start_mib", ProcessStats.Mib(start.RssBytes), $"{ProcessStats.Mib(start.RssBytes):F0} MiB")
            .Target("rss_peak_mib", ProcessStats.Mib(sampler.PeakRssBytes), $"{ProcessStats.Mib(sampler.PeakRssBytes):F0} MiB (VmHWM)",
                $"<= start + {options.RssBudgetMib} MiB", sampler.PeakRssBytes <= start.RssBytes + (options.RssBudgetMib * 1024L * 1024L))
            .Info("rss_end_mib", ProcessStats.Mib(end.RssBytes), $"{ProcessStats.Mib(end.RssBytes):F0} MiB")
            .Zero("server_connections_left_open", stillOpen)
            .Zero("server_sockets_not_released", stillHeld)
            .Info("open_files", end.OpenFiles, $"start {start.OpenFiles}, peak {sampler.PeakOpenFiles}, end {end.OpenFiles}")
            .Info("security_log_lines", logLines.Count, $"{logLines.Count:N0}: {LogComposition.Describe(logLines)}");
        foreach (var line in tally.PerKind())
        {
            report.Note(line);
        }
        foreach (var detail in tally.Details.Concat(storm.Errors).Concat(after.Errors))
        {
            report.Note(detail);
        }
        if (exitedDuringRun)
        {
            report.Note("server output:\n" + server.Output.Excerpt() + "\n" + server.Errors);
        }
        return report;
    }
}
