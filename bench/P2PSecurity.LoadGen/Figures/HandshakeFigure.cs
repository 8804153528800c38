using P2PSecurity.Core.Protocol;
using P2PSecurity.LoadGen.Arms;
using P2PSecurity.LoadGen.Load;
using P2PSecurity.LoadGen.Measure;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>
/// Figure 2: full mutual-TLS handshakes per second through the whole gate (accept gate, handshake timeout, TLS 1.3
/// with the client's certificate, node gate with allow list, block list and network-key proof, welcome, session
/// registration), against the same TLS pipeline and messages with no policy at all (<see cref="BareTlsServer"/>),
/// or, on request, the node server with ENABLE_P2P_SECURITY=false.
/// </summary>
internal static class HandshakeFigure
{
    public static async Task<FigureReport> RunAsync(BenchSettings settings, CancellationToken ct)
    {
        var sources = new SourceAddresses(20, 32);
        var concurrency = settings.Concurrency ?? 16;
        using var identities = new ClientIdentities();
        using var subjectFolder = BenchFolder.Create("handshake-subject", settings.Subject(BenchPolicy.WholeGate(identities.Keys)));
        using var baselineFolder = BenchFolder.Create("handshake-baseline",
            settings.HandshakeBaselineDisabled ? BenchPolicy.WholeGate(identities.Keys, enabled: false) : null);
        var baselineKind = settings.HandshakeBaselineDisabled ? ArmKind.Node : ArmKind.BareTls;
        await using var subject = await subjectFolder.Arm("subject", ArmKind.Node).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        await using var baseline = await baselineFolder.Arm("baseline", baselineKind).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        var checks = new Checks();
        settings.Progress("handshakes: " + settings.Round);
        var pairs = await SideBySide.RunAsync(settings.Rounds, async (isSubject, round) =>
        {
            var arm = isSubject ? subject : baseline;
            NodeClientOptions Options(long i) => new()
            {
                Server = arm.EndPoint,
                LocalAddress = sources[i],
                Identity = identities[i],
                // The bare baseline asks for no proof, and a client that knows the key would insist on the server's.
                NetworkSecret = arm.Spec.Kind != ArmKind.Node ? null : isSubject ? settings.SubjectSecret : BenchPolicy.NetworkSecret,
            };
            var before = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            var result = await LoadLoop.RunAsync(concurrency, new HandshakeConnect(Options).RunAsync, settings.SpecOf(round), Probe.Cpu(arm), ct).ConfigureAwait(false);
            var after = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            checks.NoFailures(arm, round, result);
            checks.Equal(arm, round, "peers welcomed", result.TotalCompleted, after.Counters.Welcomed - before.Counters.Welcomed);
            checks.Equal(arm, round, "refusals", 0, after.Counters.Refusals - before.Counters.Refusals);
            return new RoundOutcome(result.Rate, Probe.CpuPerOp(arm, result), after.JitMethods - before.JitMethods, Probe.AllocatedPerOp(arm, before, after, result));
        }, settings.Progress, settings.WarmupRound).ConfigureAwait(false);
        return new FigureReport
        {
            Title = "Full mutual-TLS handshakes per second with the whole gate",
            Unit = "handshakes/s",
            Subject = "node server, whole-gate policy: whitelist (8 client keys + 200), 200 blocked keys, 200 blocked ranges, NETWORK_SECRET_KEY, security log on",
            Baseline = settings.HandshakeBaselineDisabled
                ? "the same node server with ENABLE_P2P_SECURITY=false (same policy file otherwise)"
                : "bare TLS pipeline: same ListenerBootstrap and event loops, same TlsHandler/SslStream options (TLS 1.3, client certificate required, isolated chain policy), same framing and codec, same ServerHello/ClientHello/Welcome messages; no accept gate, timeout, eviction, node key, node gate, proof, session registry or log",
            Load = $"{concurrency} concurrent NodeClients from 127.20.0.1-32, 8 client identities: connect, TLS 1.3 with client certificate, ServerHello/ClientHello/Welcome, close; {settings.Round}",
            SecondaryUnit = settings.Isolated ? "server CPU µs/handshake" : null,
            Target = 0.9,
            Pairs = pairs,
            Problems = checks.Problems,
        };
    }
}
