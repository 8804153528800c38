using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Policy;
using P2PSecurity.Stress.EditCrash;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.TestSupport;

namespace P2PSecurity.Stress.Bans;

/// <summary>
/// Operator bans through the tool path, against the real server process (docs/BENCHMARKS.md, issue 13): the
/// <c>ban</c> request that <c>manage_trusted_nodes ban</c> sends, over the real control socket, one after another;
/// then the same from many clients at once; then the tool itself as a process. Figures: time per ban (the answer
/// comes once the ban is stored durably and in force), and time until each sampled ban is in force, seen from
/// outside: a prober connecting from the banned address from the moment the request is sent until the server
/// closes its connection at accept.
/// </summary>
public static class BanToolHarness
{
    /// <summary>How long a probe waits for the server to close it before taking it as let through and trying again.</summary>
    private static readonly TimeSpan ProbeWait = TimeSpan.FromMilliseconds(3);

    public static async Task<HarnessReport> RunAsync(int bans, int concurrentBans, int concurrency, int toolRuns, int probeEvery,
        string? serverDll, Action<string> progress, CancellationToken ct)
    {
        var loadAtStart = MachineLoad.Describe();
        using var folder = new TempFolder();
        folder.WriteEnv(new HarnessEnv()
            .Set(PolicyKeys.AutoBan, "off")
            .Set(PolicyKeys.MaxConnectionsPerIp, 1000)
            .Set(PolicyKeys.ConnectionRateLimit, "1000000/s")
            .ToString());
        await using var server = await ServerUnderTest.StartAsync(folder, serverDll);
        var socket = ControlSocketPath.ForPolicyFile(folder.EnvPath);
        await WaitForSocketAsync(socket, ct);
        var client = new ControlClient(socket);
        var report = new HarnessReport("ban-tool", loadAtStart);
        // The prober must tell a refusal at accept from a connection let through: an address that is not banned stays open.
        var control = await ProbeOnceAsync(server.EndPoint, IPAddress.Parse("127.9.0.1"), ct);
        report.Target("probe_sees_an_unbanned_address_open", control ? 0 : 1, control ? "refused (the probe is wrong)" : "open", "open", !control);

        progress($"{bans:N0} bans, one after another, over {socket}");
        var perBan = new List<TimeSpan>(bans);
        var inForce = new List<TimeSpan>();
        var failures = 0;
        var notInForceAtAnswer = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < bans; i++)
        {
            var address = Address(10, i);
            var probed = i % probeEvery == 0;
            using var stopProbe = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sent = Stopwatch.GetTimestamp();
            var probe = probed ? ProbeUntilRefusedAsync(server.EndPoint, address, sent, stopProbe.Token) : null;
            var result = await client.SendAsync(Request(address), ct);
            var answered = Stopwatch.GetTimestamp();
            perBan.Add(Stopwatch.GetElapsedTime(sent, answered));
            if (result.Response is not { Ok: true, Ban.Outcome: "added" })
            {
                failures++;
                report.Note($"ban {address}: {result.Problem ?? result.Response?.Error?.Message ?? "not added"}");
            }
            if (probe is not null)
            {
                stopProbe.CancelAfter(TimeSpan.FromSeconds(5));
                var refusedAt = await probe;
                if (refusedAt is { } at)
                {
                    inForce.Add(Stopwatch.GetElapsedTime(sent, at));
                    // The answer promises the ban is in force; a refusal only seen well after it breaks the promise.
                    if (at > answered && Stopwatch.GetElapsedTime(answered, at) > TimeSpan.FromMilliseconds(50))
                    {
                        notInForceAtAnswer++;
                    }
                }
                else
                {
                    notInForceAtAnswer++;
                }
            }
            if ((i + 1) % 2000 == 0)
            {
                progress($"  {i + 1:N0} bans, {clock.Elapsed.TotalSeconds:F1} s");
            }
        }
        var sequential = clock.Elapsed;
        report.Zero("ban_requests_failed", failures);
        report.Info("bans_sequential", bans, string.Create(CultureInfo.InvariantCulture,
            $"{bans:N0} in {sequential.TotalSeconds:F1} s: {bans / sequential.TotalSeconds:F0} bans/s"));
        report.Info("time_per_ban_ms", LatencySummary.Of(perBan).P50Ms, LatencySummary.Of(perBan).ToString());
        report.Info("time_until_in_force_ms", LatencySummary.Of(inForce).P50Ms, LatencySummary.Of(inForce) +
            string.Create(CultureInfo.InvariantCulture, $" (every {probeEvery}th ban, from the request sent to a probe closed at accept; probe resolution about {ProbeWait.TotalMilliseconds:F0} ms + a connect)"));
        report.Zero("probed_bans_not_in_force_at_the_answer", notInForceAtAnswer);

        if (concurrentBans > 0)
        {
            progress($"{concurrentBans:N0} more bans from {concurrency} clients at once");
            var next = -1;
            var concurrentTimes = new System.Collections.Concurrent.ConcurrentBag<TimeSpan>();
            var concurrentFailures = 0;
            clock.Restart();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) < concurrentBans)
                {
                    var start = Stopwatch.GetTimestamp();
                    var result = await client.SendAsync(Request(Address(60, n)), ct);
                    concurrentTimes.Add(Stopwatch.GetElapsedTime(start));
                    if (result.Response is not { Ok: true })
                    {
                        Interlocked.Increment(ref concurrentFailures);
                    }
                }
            }, ct)));
            var elapsed = clock.Elapsed;
            report.Zero("concurrent_ban_requests_failed", concurrentFailures);
            report.Info("bans_concurrent", concurrentBans, string.Create(CultureInfo.InvariantCulture,
                $"{concurrentBans:N0} from {concurrency} clients in {elapsed.TotalSeconds:F1} s: {concurrentBans / elapsed.TotalSeconds:F0} bans/s; each {LatencySummary.Of(concurrentTimes)}"));
        }

        if (toolRuns > 0)
        {
            progress($"{toolRuns} runs of manage_trusted_nodes ban as a process");
            var tool = EditCrashHarness.FindTool();
            var toolTimes = new List<TimeSpan>();
            var toolFailures = 0;
            for (var i = 0; i < toolRuns; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var exit = await RunToolAsync(tool, folder, Address(120, i).ToString(), ct);
                toolTimes.Add(Stopwatch.GetElapsedTime(start));
                toolFailures += exit == 0 ? 0 : 1;
            }
            report.Zero("tool_runs_failed", toolFailures);
            report.Info("tool_ban_ms", LatencySummary.Of(toolTimes).P50Ms, LatencySummary.Of(toolTimes) + " (process start included)");
        }

        var listed = await client.SendAsync(ControlRequest.Of(ControlProtocol.Requests.Bans), ct);
        var expected = bans + concurrentBans + toolRuns;
        var total = listed.Response?.Bans?.Total ?? -1;
        report.Target("bans_held_at_the_end", total, total.ToString("N0", CultureInfo.InvariantCulture), expected.ToString("N0", CultureInfo.InvariantCulture), total == expected);
        var rss = ProcessStats.Read(server.Pid);
        report.Info("server_rss_mib", ProcessStats.Mib(rss.RssBytes), string.Create(CultureInfo.InvariantCulture, $"{ProcessStats.Mib(rss.RssBytes):F0} MiB with {total:N0} bans"));
        await server.StopAsync(TimeSpan.FromSeconds(20));
        return report;
    }

    /// <summary>Ban target n of a block: 127.B.x.y with y from 1 to 250, so every target is a loopback address a probe can bind.</summary>
    private static IPAddress Address(int block, int n) => new([127, (byte)(block + (n / 62_500)), (byte)(n / 250 % 250), (byte)(1 + (n % 250))]);

    private static ControlRequest Request(IPAddress address) =>
        new() { Type = ControlProtocol.Requests.Ban, Target = address.ToString(), Duration = "1h", Reason = "ban-tool harness" };

    /// <summary>Connects from <paramref name="address"/> until the server closes a connection at accept; when it did (a timestamp), or null.</summary>
    private static async Task<long?> ProbeUntilRefusedAsync(IPEndPoint server, IPAddress address, long sent, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (await ProbeOnceAsync(server, address, ct))
                {
                    return Stopwatch.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        return null;
    }

    /// <summary>True when the server closed the connection at once (refused at accept), false when it was still open after <see cref="ProbeWait"/>.</summary>
    private static async Task<bool> ProbeOnceAsync(IPEndPoint server, IPAddress address, CancellationToken ct)
    {
        using var socket = await RawSocket.ConnectAsync(server, address, ct);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(ProbeWait);
        try
        {
            return await socket.ReceiveAsync(new byte[1], SocketFlags.None, wait.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            RawSocket.Reset(socket);
            return false;
        }
    }

    private static async Task<int> RunToolAsync(string tool, TempFolder folder, string target, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { tool, "ban", target, "--for", "1h", "--env-file", folder.EnvPath })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return process.ExitCode;
    }

    private static async Task WaitForSocketAsync(string socket, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new HarnessException("no control socket at " + socket);
            }
            await Task.Delay(20, ct);
        }
    }
}
