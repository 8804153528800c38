using P2PSecurity.LoadGen.Arms;
using P2PSecurity.LoadGen.Load;
using P2PSecurity.LoadGen.Measure;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>
/// Figure 1: connections refused per second from a blocked address. Subject: the node server with the whole-gate
/// policy and the load's addresses in BLOCKED_IP_ADDRESSES. Baseline: a DotNetty server with the same listener
/// settings and threads that closes every connection the same way, with no decision.
/// </summary>
internal static class RefusedFigure
{
    public static async Task<FigureReport> RunAsync(BenchSettings settings, CancellationToken ct)
    {
        var sources = new SourceAddresses(10, 16);
        var concurrency = settings.Concurrency ?? 32;
        using var subjectFolder = BenchFolder.Create("refused-subject", settings.Subject(BenchPolicy.WholeGate([], blockedClients: sources.All)));
        using var baselineFolder = BenchFolder.Create("refused-baseline", null);
        await using var subject = await subjectFolder.Arm("subject", ArmKind.Node).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        await using var baseline = await baselineFolder.Arm("baseline", ArmKind.BareClose).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        var checks = new Checks();
        settings.Progress("refused connections: " + settings.Round);
        var pairs = await SideBySide.RunAsync(settings.Rounds, async (isSubject, round) =>
        {
            var arm = isSubject ? subject : baseline;
            var before = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            var result = await LoadLoop.RunAsync(concurrency, new RefusedConnect(arm.EndPoint, sources).RunAsync, settings.SpecOf(round), Probe.Cpu(arm), ct).ConfigureAwait(false);
            var after = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            checks.NoFailures(arm, round, result);
            checks.Equal(arm, round, "connections closed at accept", result.TotalCompleted, after.Counters.ClosedAtAccept - before.Counters.ClosedAtAccept);
            checks.Equal(arm, round, "peers welcomed", 0, after.Counters.Welcomed - before.Counters.Welcomed);
            return new RoundOutcome(result.Rate, Probe.CpuPerOp(arm, result), after.JitMethods - before.JitMethods, Probe.AllocatedPerOp(arm, before, after, result));
        }, settings.Progress, settings.WarmupRound).ConfigureAwait(false);
        return new FigureReport
        {
            Title = "Refused connections per second from a blocked IP",
            Unit = "refused connections/s",
            Subject = "node server, whole-gate policy, the 16 client addresses in BLOCKED_IP_ADDRESSES (among 200 other ranges)",
            Baseline = "bare DotNetty server, same ListenerBootstrap settings and event loops, closes every child on the server channel (Unsafe.CloseForcibly, as the accept gate does)",
            Load = $"{concurrency} concurrent clients from 127.10.0.1-16: connect, wait for the close (0 bytes or reset); {settings.Round}",
            SecondaryUnit = settings.Isolated ? "server CPU µs/connection" : null,
            Target = 0.9,
            Pairs = pairs,
            Problems = checks.Problems,
        };
    }
}
