using System.Globalization;
using P2PSecurity.LoadGen.Arms;
using P2PSecurity.LoadGen.Load;
using P2PSecurity.LoadGen.Measure;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>
/// Refusals per second with the metrics listener on (issue 12: at least 0.97 of the rate with it off). Subject: the
/// node server with METRICS_ADDRESS on a loopback port, scraped once a second during its rounds (a scraper far
/// busier than Prometheus' 15 s default). Baseline: the same server and policy with METRICS_ADDRESS=off.
/// </summary>
internal static class RefusedWithMetricsFigure
{
    public static readonly TimeSpan ScrapeEvery = TimeSpan.FromSeconds(1);

    /// <summary>Scrapes before the warm-up rounds (see <see cref="WarmScrapePathAsync"/>).</summary>
    public const int WarmScrapes = 100;

    public static async Task<FigureReport> RunAsync(BenchSettings settings, CancellationToken ct)
    {
        var sources = new SourceAddresses(10, 16);
        var concurrency = settings.Concurrency ?? 32;
        var policy = settings.Subject(BenchPolicy.WholeGate([], blockedClients: sources.All));
        var port = FreePort.Next();
        using var subjectFolder = BenchFolder.Create("metrics-subject", policy + string.Create(CultureInfo.InvariantCulture, $"METRICS_ADDRESS=127.0.0.1:{port}\n"));
        using var baselineFolder = BenchFolder.Create("metrics-baseline", policy + "METRICS_ADDRESS=off\n");
        await using var subject = await subjectFolder.Arm("subject", ArmKind.Node).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        await using var baseline = await baselineFolder.Arm("baseline", ArmKind.Node).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
        var checks = new Checks();
        var scrapes = 0;
        settings.Progress($"refused connections with metrics on: {settings.Round}, scraped every {ScrapeEvery.TotalSeconds:0} s");
        await WarmScrapePathAsync(http, checks, ct).ConfigureAwait(false);
        var pairs = await SideBySide.RunAsync(settings.Rounds, async (isSubject, round) =>
        {
            var arm = isSubject ? subject : baseline;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var scraper = isSubject ? ScrapeAsync(http, checks, () => Interlocked.Increment(ref scrapes), stop.Token) : Task.CompletedTask;
            var before = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            var result = await LoadLoop.RunAsync(concurrency, new RefusedConnect(arm.EndPoint, sources).RunAsync, settings.SpecOf(round), Probe.Cpu(arm), ct).ConfigureAwait(false);
            var after = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await scraper.ConfigureAwait(false);
            checks.NoFailures(arm, round, result);
            checks.Equal(arm, round, "peers welcomed", 0, after.Counters.Welcomed - before.Counters.Welcomed);
            return new RoundOutcome(result.Rate, Probe.CpuPerOp(arm, result), after.JitMethods - before.JitMethods, Probe.AllocatedPerOp(arm, before, after, result));
        }, settings.Progress, settings.WarmupRound).ConfigureAwait(false);
        var last = await http.GetStringAsync(new Uri("metrics", UriKind.Relative), ct).ConfigureAwait(false);
        if (!last.Contains("p2psecurity_connections_refused_total{", StringComparison.Ordinal))
        {
            checks.Add("the subject's /metrics has no p2psecurity_connections_refused_total series after the flood");
        }
        return new FigureReport
        {
            Title = "Refused connections per second with metrics on (issue 12)",
            Unit = "refused connections/s",
            Subject = $"node server, whole-gate policy, the 16 client addresses blocked; METRICS_ADDRESS on, /metrics scraped every {ScrapeEvery.TotalSeconds:0} s during its rounds ({scrapes:N0} scrapes)",
            Baseline = "the same server and policy with METRICS_ADDRESS=off",
            Load = $"{concurrency} concurrent clients from 127.10.0.1-16: connect, wait for the close; {settings.Round}",
            SecondaryUnit = settings.Isolated ? "server CPU µs/connection" : null,
            Target = 0.97,
            Pairs = pairs,
            Problems = checks.Problems,
        };
    }

    /// <summary>
    /// Scrapes enough times, back to back, for tiered compilation to promote the scrape path before the warm-up
    /// rounds: at one scrape a second it would be promoted (and compiled again) only after about 30 s, inside the
    /// recorded rounds, which would then measure the JIT (a server scraped for hours has long passed that point).
    /// </summary>
    private static async Task WarmScrapePathAsync(HttpClient http, Checks checks, CancellationToken ct)
    {
        for (var i = 0; i < WarmScrapes; i++)
        {
            using var response = await http.GetAsync(new Uri("metrics", UriKind.Relative), ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                checks.Add($"a warm-up scrape of /metrics answered {(int)response.StatusCode}");
                return;
            }
            await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task ScrapeAsync(HttpClient http, Checks checks, Action counted, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(ScrapeEvery);
        try
        {
            do
            {
                using var response = await http.GetAsync(new Uri("metrics", UriKind.Relative), ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    checks.Add($"a scrape of /metrics answered {(int)response.StatusCode}");
                }
                await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                counted();
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // The round is over.
            return;
        }
    }
}
