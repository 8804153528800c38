using P2PSecurity.Core.Protocol;
using P2PSecurity.LoadGen.Arms;
using P2PSecurity.LoadGen.Load;
using P2PSecurity.LoadGen.Measure;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>
/// Figure 3: messages per second over 50 welcomed connections, each Ping answered by a Pong. Subject: the node
/// server with MESSAGE_RATE_LIMIT=1000000/s per address (far above the load's rate: no message is dropped, as the
/// checks confirm). Baseline: the same server and policy file with ENABLE_P2P_SECURITY=false, which is how an
/// operator turns the limiter off; every other stage of the message path is the same code.
/// </summary>
internal static class MessageFigure
{
    private const int OpenConcurrency = 8;

    public static async Task<FigureReport> RunAsync(BenchSettings settings, CancellationToken ct)
    {
        var sources = new SourceAddresses(30, 10);
        var connections = settings.MessageConnections;
        using var identities = new ClientIdentities();
        using var subjectFolder = BenchFolder.Create("messages-subject", settings.Subject(BenchPolicy.WholeGate(identities.Keys)));
        using var baselineFolder = BenchFolder.Create("messages-baseline", BenchPolicy.WholeGate(identities.Keys, enabled: false));
        await using var subject = await subjectFolder.Arm("subject", ArmKind.Node).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        await using var baseline = await baselineFolder.Arm("baseline", ArmKind.Node).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        await using var subjectClients = await OpenAsync(subject, connections, sources, identities, settings.SubjectSecret, ct).ConfigureAwait(false);
        await using var baselineClients = await OpenAsync(baseline, connections, sources, identities, BenchPolicy.NetworkSecret, ct).ConfigureAwait(false);
        var pumps = new Dictionary<IArm, MessagePump> { [subject] = new(subjectClients.Clients), [baseline] = new(baselineClients.Clients) };
        var checks = new Checks();
        settings.Progress($"messages over {connections} connections: {settings.Round}");
        var pairs = await SideBySide.RunAsync(settings.Rounds, async (isSubject, round) =>
        {
            var arm = isSubject ? subject : baseline;
            var before = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            var result = await pumps[arm].RunRoundAsync(settings.SpecOf(round), Probe.Cpu(arm), ct).ConfigureAwait(false);
            var after = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            checks.NoFailures(arm, round, result);
            checks.Equal(arm, round, "refusals (drops)", 0, after.Counters.Refusals - before.Counters.Refusals);
            checks.Equal(arm, round, "open sessions", connections, after.Counters.Sessions);
            return new RoundOutcome(result.Rate, Probe.CpuPerOp(arm, result), after.JitMethods - before.JitMethods, Probe.AllocatedPerOp(arm, before, after, result));
        }, settings.Progress, settings.WarmupRound).ConfigureAwait(false);
        return new FigureReport
        {
            Title = $"Messages per second over {connections} authenticated connections, limiter on vs off",
            Unit = "messages/s (pings answered)",
            Subject = "node server, whole-gate policy with MESSAGE_RATE_LIMIT=1000000/s per address (never reached: no drop, checked)",
            Baseline = "the same node server and policy file with ENABLE_P2P_SECURITY=false (the limiter lets every message through without a bucket)",
            Load = $"{connections} welcomed NodeClients from 127.30.0.1-10; each sends Pings in batches of 16 frames per TLS write with at most 64 unanswered, and counts Pongs; {settings.Round}",
            SecondaryUnit = settings.Isolated ? "server CPU µs/message" : null,
            Target = 0.9,
            Pairs = pairs,
            Problems = checks.Problems,
        };
    }

    private static Task<WelcomedClients> OpenAsync(IArm arm, int count, SourceAddresses sources, ClientIdentities identities, string? secret, CancellationToken ct) =>
        WelcomedClients.OpenAsync(count, i => new NodeClientOptions
        {
            Server = arm.EndPoint,
            LocalAddress = sources[i],
            Identity = identities[i],
            NetworkSecret = secret,
        }, OpenConcurrency, ct);
}
