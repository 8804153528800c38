using System.Globalization;
using P2PSecurity.LoadGen.Arms;
using P2PSecurity.LoadGen.Load;
using P2PSecurity.LoadGen.Measure;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>
/// Refusals per second during a blocked-address flood while 20 clients follow the dashboard's events stream
/// (issue 12: at least 0.95 of the rate with none following). Subject and baseline are the same server and policy,
/// both with the dashboard on; the 20 Server-Sent Events followers (HTTP clients reading <c>/api/v1/events</c> as a
/// browser's EventSource does) hold the subject's stream open for the whole figure, and the baseline has none.
/// </summary>
internal static class RefusedWithFollowersFigure
{
    public const int Followers = 20;

    public static async Task<FigureReport> RunAsync(BenchSettings settings, CancellationToken ct)
    {
        var sources = new SourceAddresses(10, 16);
        var concurrency = settings.Concurrency ?? 32;
        var policy = settings.Subject(BenchPolicy.WholeGate([], blockedClients: sources.All));
        var port = FreePort.Next();
        using var subjectFolder = BenchFolder.Create("events-subject", policy + string.Create(CultureInfo.InvariantCulture, $"DASHBOARD_ADDRESS=127.0.0.1:{port}\n"));
        using var baselineFolder = BenchFolder.Create("events-baseline", policy + string.Create(CultureInfo.InvariantCulture, $"DASHBOARD_ADDRESS=127.0.0.1:{FreePort.Next()}\n"));
        await using var subject = await subjectFolder.Arm("subject", ArmKind.Node).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        await using var baseline = await baselineFolder.Arm("baseline", ArmKind.Node).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        var token = (await File.ReadAllTextAsync(Path.Combine(subjectFolder.Path, "dashboard.token"), ct).ConfigureAwait(false)).Trim();
        await using var followers = await EventFollowers.StartAsync(new Uri($"http://127.0.0.1:{port}/"), token, Followers, ct).ConfigureAwait(false);
        var checks = new Checks();
        settings.Progress($"refused connections with {Followers} events followers: {settings.Round}");
        var pairs = await SideBySide.RunAsync(settings.Rounds, async (isSubject, round) =>
        {
            var arm = isSubject ? subject : baseline;
            var before = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            var result = await LoadLoop.RunAsync(concurrency, new RefusedConnect(arm.EndPoint, sources).RunAsync, settings.SpecOf(round), Probe.Cpu(arm), ct).ConfigureAwait(false);
            var after = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            checks.NoFailures(arm, round, result);
            checks.Equal(arm, round, "peers welcomed", 0, after.Counters.Welcomed - before.Counters.Welcomed);
            if (isSubject && followers.Open != Followers)
            {
                checks.Add($"round {round}: {followers.Open} of {Followers} followers still connected");
            }
            return new RoundOutcome(result.Rate, Probe.CpuPerOp(arm, result), after.JitMethods - before.JitMethods, Probe.AllocatedPerOp(arm, before, after, result));
        }, settings.Progress, settings.WarmupRound).ConfigureAwait(false);
        return new FigureReport
        {
            Title = $"Refused connections per second with {Followers} clients following the events stream (issue 12)",
            Unit = "refused connections/s",
            Subject = $"node server, whole-gate policy, the 16 client addresses blocked, dashboard on; {Followers} Server-Sent Events clients follow /api/v1/events throughout " +
                $"({followers.Events:N0} events delivered in all, {followers.DroppedNotices:N0} dropped notices)",
            Baseline = "the same server and policy, dashboard on, nobody following",
            Load = $"{concurrency} concurrent clients from 127.10.0.1-16: connect, wait for the close; {settings.Round}",
            SecondaryUnit = settings.Isolated ? "server CPU µs/connection" : null,
            Target = 0.95,
            Pairs = pairs,
            Problems = checks.Problems,
        };
    }
}
