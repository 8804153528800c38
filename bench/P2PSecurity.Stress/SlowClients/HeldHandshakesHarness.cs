using System.Diagnostics;
using System.Globalization;
using System.Net;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.TestSupport;

namespace P2PSecurity.Stress.SlowClients;

/// <summary>
/// Handshakes held open (docs/RELIABILITY.md, "Held handshakes"): <c>Count</c> IPv4 loopback addresses each keep one
/// slow handshake open for the whole run and open the next one as soon as the server closes theirs (evicted by
/// MAX_PENDING_HANDSHAKES, refused at the accept gate, or timed out), and <c>Ipv6Flows</c> flows do the same from ::1,
/// one IPv6 /64, while an allowed node connects every 250 ms from a fresh address. Figures: the allowed node's welcome
/// latency and failures; how many handshakes the attackers held at once, for ::1 against MAX_CONNECTIONS_PER_IP; how
/// the server ended their handshakes, from its own /metrics.
/// </summary>
public static class HeldHandshakesHarness
{
    /// <summary>Attempts of one probe visit before it counts as not welcomed.</summary>
    private const int MaxAttempts = 5;

    public static async Task<HarnessReport> RunAsync(HeldHandshakesOptions options, Action<string> progress, CancellationToken ct)
    {
        var loadAtStart = MachineLoad.Describe();
        using var probeIdentity = NodeIdentity.Create();
        using var stranger = NodeIdentity.Create();
        using var folder = new TempFolder();
        // The server's defaults for everything else: MAX_CONNECTIONS_PER_IP, CONNECTION_RATE_LIMIT and the prefix are
        // what an attacker meets on a node nobody tuned.
        var env = new HarnessEnv()
            .Set(PolicyKeys.AllowedNodeKeys, probeIdentity.NodeKey)
            .Set(PolicyKeys.HandshakeTimeout, $"{options.Timeout.TotalMilliseconds:F0}ms");
        if (options.PendingCap is { } cap)
        {
            env.Set(PolicyKeys.MaxPendingHandshakes, cap);
        }
        if (options.MaxConnections is { } max)
        {
            env.Set(PolicyKeys.MaxConnections, max);
        }
        folder.WriteEnv(env.ToString());
        var defaults = new SecurityPolicy();
        var perPrefix = defaults.MaxConnectionsPerIp;
        var pendingCap = options.PendingCap ?? defaults.MaxPendingHandshakes;
        await using var server = await ServerUnderTest.StartAsync(folder, options.ServerDll, ["--metrics", "127.0.0.1:0"]);
        var metricsUrl = await MetricsScrape.UrlAsync(server);
        var probe = new AllowedNodeProbe(server.EndPoint, probeIdentity, new AddressPool(201));
        var idle = await probe.MeasureAsync(20, ct, warmUp: 5);
        await using var sampler = new MemorySampler(server.Pid, TimeSpan.FromMilliseconds(100));

        progress($"{options.Count:N0} IPv4 addresses and {options.Ipv6Flows:N0} flows from ::1 hold handshakes open for {options.Hold.TotalSeconds:F0} s " +
                 $"(HANDSHAKE_TIMEOUT {options.Timeout.TotalMilliseconds:F0} ms, MAX_PENDING_HANDSHAKES {pendingCap:N0}, MAX_CONNECTIONS_PER_IP {perPrefix})");
        // The attackers' key is not in the allow list: the default kinds never finish TLS, and a kind that does is
        // refused as soon as TLS completes (whitelist mode), so only the probe is ever welcomed.
        var bound = options.Timeout + TimeSpan.FromSeconds(5);
        var v4Client = new SlowClient(server.EndPoint, stranger, stranger, bound);
        var v6Client = new SlowClient(new IPEndPoint(IPAddress.IPv6Loopback, server.Port), stranger, stranger, bound);
        var addresses = new AddressPool(31);
        using var opening = new SemaphoreSlim(256);
        using var stop = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, stop.Token);
        var v4 = Enumerable.Range(0, options.Count)
            .Select(i => FlowAsync(v4Client, options.Kinds[i % options.Kinds.Count], addresses.Next(), options, opening, linked.Token));
        var v6 = Enumerable.Range(0, options.Ipv6Flows)
            .Select(i => FlowAsync(v6Client, options.Kinds[i % options.Kinds.Count], IPAddress.IPv6Loopback, options, opening, linked.Token));
        var v4Tasks = v4.ToList();
        var v6Tasks = v6.ToList();
        var held = SampleAsync(server.Port, linked.Token);

        // The probe starts once the flood is up: the first seconds are the attackers' own connects.
        var flood = Stopwatch.StartNew();
        var rampUp = TimeSpan.FromSeconds(Math.Min(5, options.Hold.TotalSeconds / 4));
        await Task.Delay(rampUp, ct);
        using var probeStop = new CancellationTokenSource(options.Hold - rampUp);
        var visits = await VisitAsync(probe, flood, probeStop.Token);
        var counts = await MetricsScrape.ReadAsync(metricsUrl, ct);
        await stop.CancelAsync();
        var (v4Peak, v6Peak) = await held;
        var v4Tally = (await Task.WhenAll(v4Tasks)).Aggregate(HeldTally.Zero, (a, b) => a + b);
        var v6Tally = (await Task.WhenAll(v6Tasks)).Aggregate(HeldTally.Zero, (a, b) => a + b);
        var end = await sampler.StopAsync();

        var during = new ProbeSeries();
        foreach (var visit in visits)
        {
            during.Add(visit.First);
        }
        var untilWelcomed = LatencySummary.Of(visits.Where(v => v.Welcomed).Select(v => v.UntilWelcomed));
        var p99 = untilWelcomed.P99Ms;
        var report = new HarnessReport("slow-clients --hold-seconds", loadAtStart)
            .Cpu(sampler)
            .Info("attacker_addresses", options.Count + (options.Ipv6Flows > 0 ? 1 : 0),
                $"{options.Count:N0} IPv4 addresses and ::1 with {options.Ipv6Flows:N0} flows ({string.Join(", ", options.Kinds)}), for {options.Hold.TotalSeconds:F0} s")
            .Zero("server_exits", server.HasExited ? 1 : 0)
            .Zero("allowed_node_not_welcomed", idle.Failures + visits.Count(v => !v.Welcomed))
            .Target("welcome_latency_p99_ms", p99, untilWelcomed.ToString(),
                $"p99 < {options.LatencyTarget.TotalMilliseconds:N0} ms from the first connect to the Welcome, retrying at once after a refusal (at most {MaxAttempts} attempts)",
                untilWelcomed.Count > 0 && p99 < options.LatencyTarget.TotalMilliseconds)
            .Info("first_attempt", during.Failures,
                $"{during.Attempts - during.Failures:N0} of {during.Attempts:N0} welcomed at the first attempt: {during.Latency}; {during.Failures:N0} not (see notes)")
            .Info("welcome_latency_idle", idle.Latency.P99Ms, idle.Latency.ToString())
            .Info("ipv4_handshakes", v4Tally.Connects, v4Tally.ToString())
            .Zero("ipv4_left_open", v4Tally.LeftOpen)
            .Info("ipv4_held_peak", v4Peak, $"{v4Peak:N0} IPv4 connections held by the server at once (accepted, not closed; MAX_PENDING_HANDSHAKES {pendingCap:N0})")
            .Info("server_refusals", counts.Refused("pending_handshake_evicted"),
                $"accepted {counts.Accepted:N0}; evicted pending_handshake_evicted {counts.Refused("pending_handshake_evicted"):N0}, " +
                $"too_many_connections_from_ip {counts.Refused("too_many_connections_from_ip"):N0}, connection_rate_exceeded {counts.Refused("connection_rate_exceeded"):N0}, " +
                $"too_many_connections {counts.Refused("too_many_connections"):N0}, node_not_allowed {counts.Refused("node_not_allowed"):N0} (until the probe's last)")
            .Info("server_open_files", sampler.PeakOpenFiles, $"start {sampler.Start.OpenFiles}, peak {sampler.PeakOpenFiles}, end {end.OpenFiles}")
            .Info("rss_mib", ProcessStats.Mib(sampler.PeakRssBytes), $"start {ProcessStats.Mib(sampler.Start.RssBytes):F0}, peak {ProcessStats.Mib(sampler.PeakRssBytes):F0}, end {ProcessStats.Mib(end.RssBytes):F0} MiB");
        if (options.Ipv6Flows > 0)
        {
            // All of ::1's flows are one peer for the limits (its /64): however many flows, it holds at most
            // MAX_CONNECTIONS_PER_IP handshakes, and the rest are refused at the gate before any byte.
            report
                .Info("ipv6_handshakes", v6Tally.Connects, v6Tally.ToString())
                .Zero("ipv6_left_open", v6Tally.LeftOpen)
                .Target("ipv6_held_peak", v6Peak, $"{v6Peak:N0} connections from ::1 ({options.Ipv6Flows:N0} flows) held by the server at once",
                    $"<= MAX_CONNECTIONS_PER_IP ({perPrefix}) for the /64", v6Peak <= perPrefix);
        }
        // First attempts not welcomed, per 10 s of the flood: whether they cluster where the attackers still have their
        // CONNECTION_RATE_LIMIT burst (the first seconds) or go on for as long as the handshakes are held.
        var windows = visits.GroupBy(v => (int)(v.At.TotalSeconds / 10))
            .Select(w => $"{w.Key * 10}-{(w.Key + 1) * 10} s: {w.Count(v => !v.First.Welcomed)} of {w.Count()}");
        report.Note("first attempts not welcomed, by seconds since the flood started: " + string.Join("; ", windows));
        foreach (var error in during.Errors.Take(10))
        {
            report.Note(error);
        }
        await server.StopAsync(TimeSpan.FromSeconds(10));
        return report;
    }

    /// <summary>
    /// The allowed node every 250 ms, as a node's dialler would: an attempt that is not welcomed (evicted by
    /// MAX_PENDING_HANDSHAKES, mostly) is retried at once, up to <see cref="MaxAttempts"/> attempts.
    /// </summary>
    private static async Task<List<ProbeVisit>> VisitAsync(AllowedNodeProbe probe, Stopwatch flood, CancellationToken stop)
    {
        var visits = new List<ProbeVisit>();
        while (!stop.IsCancellationRequested)
        {
            var at = flood.Elapsed;
            var clock = Stopwatch.StartNew();
            // A visit under way finishes and counts: the stop only keeps a new one from starting.
            var first = await probe.OnceAsync(CancellationToken.None);
            var outcome = first;
            for (var attempt = 1; attempt < MaxAttempts && !outcome.Welcomed; attempt++)
            {
                outcome = await probe.OnceAsync(CancellationToken.None);
            }
            visits.Add(new ProbeVisit(at, first, outcome.Welcomed, clock.Elapsed));
            var rest = TimeSpan.FromMilliseconds(250) - clock.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(rest, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        return visits;
    }

    /// <summary>One flow: a slow handshake, and the next one when the server closes it, until the run ends.</summary>
    private static async Task<HeldTally> FlowAsync(SlowClient client, SlowKind kind, IPAddress address, HeldHandshakesOptions options,
        SemaphoreSlim opening, CancellationToken stop)
    {
        // Off the caller's thread at once: thousands of flows are started in one loop.
        await Task.Yield();
        var tally = HeldTally.Zero;
        var open = false;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                open = true;
                var outcome = await client.RunAsync(kind, address, opening, stop);
                open = false;
                tally += HeldTally.Of(outcome, options.Timeout);
                await Task.Delay(options.Redial, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over; the socket of the handshake under way was closed by its using.
            if (open)
            {
                tally += HeldTally.StillHeld;
            }
        }
        return tally;
    }

    /// <summary>
    /// Counts the connections the server holds every 100 ms (from the kernel's tables, see
    /// <see cref="ServerSockets.Accepted"/>) until the run ends; returns the peaks.
    /// </summary>
    private static async Task<(int Ipv4, int Ipv6Loopback)> SampleAsync(int port, CancellationToken stop)
    {
        var (v4, v6) = (0, 0);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = ServerSockets.Accepted(port);
                (v4, v6) = (Math.Max(v4, now.Ipv4), Math.Max(v6, now.Ipv6Loopback));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over: the peaks are what it found.
        }
        return (v4, v6);
    }
}
