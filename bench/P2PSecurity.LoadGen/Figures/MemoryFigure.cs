using P2PSecurity.Core.Protocol;
using P2PSecurity.LoadGen.Arms;
using P2PSecurity.LoadGen.Load;
using P2PSecurity.LoadGen.Measure;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>
/// Figure 4: memory per idle authenticated connection. Each round starts a fresh server process, warms it up
/// (a few hundred connections opened and closed), measures it after a full collection, opens N welcomed
/// connections that then stay idle, and measures again; the difference over N is the cost of one connection. The
/// server always has a process of its own here: the load's memory must not count. Baseline: the bare TLS pipeline
/// holding the same connections, so the difference is what the gate keeps per connection.
/// </summary>
internal static class MemoryFigure
{
    private const int WarmupConnections = 200;
    private const int OpenConcurrency = 16;

    public static async Task<FigureReport> RunAsync(BenchSettings settings, CancellationToken ct)
    {
        var sources = new SourceAddresses(40, 50);
        var count = settings.IdleConnections;
        using var identities = new ClientIdentities();
        using var subjectFolder = BenchFolder.Create("memory-subject", settings.Subject(BenchPolicy.WholeGate(identities.Keys)));
        using var baselineFolder = BenchFolder.Create("memory-baseline", null);
        var subject = subjectFolder.Arm("subject", ArmKind.Node);
        var baseline = baselineFolder.Arm("baseline", ArmKind.BareTls);
        var checks = new Checks();
        settings.Progress($"memory of {count:N0} idle connections");
        var pairs = await SideBySide.RunAsync(settings.MemoryRounds, async (isSubject, round) =>
        {
            var spec = isSubject ? subject : baseline;
            await using var arm = await spec.StartAsync(isolated: true, ct).ConfigureAwait(false);
            NodeClientOptions Options(long i) => new()
            {
                Server = arm.EndPoint,
                LocalAddress = sources[i],
                Identity = identities[i],
                NetworkSecret = spec.Kind == ArmKind.Node ? settings.SubjectSecret : null,
            };
            await using (await WelcomedClients.OpenAsync(Math.Min(WarmupConnections, count), Options, OpenConcurrency, ct).ConfigureAwait(false))
            {
                // Warm-up: JIT, pools, the security log; these connections close before the first reading.
            }
            var drained = await Probe.WaitForSessionsAsync(arm, 0, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
            checks.Equal(arm, round, "sessions after the warm-up closed", 0, drained.Counters.Sessions);
            var before = await arm.StatsAsync(collect: true, ct).ConfigureAwait(false);
            await using var clients = await WelcomedClients.OpenAsync(count, Options, OpenConcurrency, ct).ConfigureAwait(false);
            var after = await arm.StatsAsync(collect: true, ct).ConfigureAwait(false);
            checks.Equal(arm, round, "open sessions", count, after.Counters.Sessions);
            settings.Progress($"  {spec.Name}: working set {before.WorkingSet / 1048576.0:N1} -> {after.WorkingSet / 1048576.0:N1} MiB, managed heap {before.ManagedHeap / 1048576.0:N1} -> {after.ManagedHeap / 1048576.0:N1} MiB");
            return new RoundOutcome((after.WorkingSet - before.WorkingSet) / (double)count, (after.ManagedHeap - before.ManagedHeap) / (double)count, after.JitMethods - before.JitMethods);
        }, settings.Progress).ConfigureAwait(false);
        return new FigureReport
        {
            Title = $"Memory per idle authenticated connection at {count:N0} connections",
            Unit = "bytes/connection (server process working set)",
            Subject = "node server process (p2psecurity-loadgen serve --kind node: ServerHost.CreateBuilder, as p2psecurity-server), whole-gate policy",
            Baseline = "bare TLS pipeline in its own process (as in the handshake figure), holding the same connections",
            Load = $"{count:N0} welcomed NodeClients from 127.40.0.1-50 (another process), idle; readings after full compacting collections, before (after a {WarmupConnections}-connection warm-up) and after",
            SecondaryUnit = "managed heap bytes/connection",
            Pairs = pairs,
            Problems = checks.Problems,
            Notes = ["No target in the issue; the ratio is subject/baseline (lower is better)."],
        };
    }
}
