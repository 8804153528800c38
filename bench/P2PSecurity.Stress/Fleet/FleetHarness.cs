using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Identity;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.TestSupport;
using StackExchange.Redis;

namespace P2PSecurity.Stress.Fleet;

/// <summary>Options of <c>p2psecurity-stress fleet</c>.</summary>
public sealed record FleetOptions(int Nodes, int Decisions, int ChaosDecisions, int JoinDecisions, string? ServerDll);

/// <summary>
/// The fleet harness (issue 14): N server processes and one Redis on this machine. (1) Publish-to-refused-everywhere
/// over D decisions, each node polled by real connections from the blocked address; (2) C decisions published while
/// Redis is SIGKILLed and restarted empty at random moments and forged entries are XADDed: lost, applied twice and
/// forged applied must all be 0; (3) a joining node, from a snapshot of J decisions to enforcing.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static partial class FleetHarness
{
    private const string FleetName = "bench";

    public static async Task<HarnessReport> RunAsync(FleetOptions o, Action<string> progress, CancellationToken ct)
    {
        var report = new HarnessReport("fleet", MachineLoad.Describe());
        var dll = o.ServerDll ?? Path.Combine(AppContext.BaseDirectory, "p2psecurity-server.dll");
        var root = Directory.CreateTempSubdirectory("p2ps-fleet-").FullName;
        await using var redis = await RedisProcess.StartAsync();
        using var op = NodeIdentity.CreateFile(Path.Combine(root, "operator.pem"));
        var env = $"FLEET_REDIS=redis://127.0.0.1:{redis.Port}/0\nFLEET_NAME={FleetName}\nFLEET_OPERATOR_KEYS={op.NodeKey}\nFLEET_OPERATOR_IDENTITY={Path.Combine(root, "operator.pem")}\n" +
                  "AUTO_BAN=off\nCONNECTION_RATE_LIMIT=100000/s\nMAX_CONNECTIONS_PER_IP=1000\n";
        var nodes = new List<FleetNode>();
        try
        {
            progress($"starting {o.Nodes} nodes and redis on port {redis.Port}");
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < o.Nodes; i += 4)
            {
                nodes.AddRange(await Task.WhenAll(Enumerable.Range(i, Math.Min(4, o.Nodes - i)).Select(n => FleetNode.StartAsync(dll, Path.Combine(root, $"node{n}"), env))));
            }
            report.Info("nodes", o.Nodes, $"{o.Nodes} server processes up in {clock.Elapsed.TotalSeconds:F1} s");
            var published = new List<string>();
            await LatencyAsync(o, nodes, redis, published, report, progress, ct);
            await ChaosAsync(o, nodes, redis, op, published, report, progress, ct);
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
            nodes.Clear();
            await JoinAsync(o, dll, root, env, redis, op, report, progress, ct);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
            Directory.Delete(root, recursive: true);
        }
        return report;
    }

    /// <summary>Publishes through node 0's control socket, retrying (the server retries a lost answer with the same entry itself).</summary>
    private static async Task<(ControlResponse? Response, int Tries)> PublishAsync(FleetNode node, string action, string target, CancellationToken ct)
    {
        for (var tries = 1; ; tries++)
        {
            var result = await node.Control.SendAsync(new ControlRequest { Type = ControlProtocol.Requests.Fleet, Action = action, Target = target }, ct);
            if (result.Response is { Ok: true } ok)
            {
                return (ok, tries);
            }
            if (tries >= 200)
            {
                return (null, tries);
            }
            await Task.Delay(50, ct);
        }
    }

    private static async Task LatencyAsync(FleetOptions o, List<FleetNode> nodes, RedisProcess redis, List<string> published, HarnessReport report, Action<string> progress, CancellationToken ct)
    {
        var commandsBefore = await redis.CommandsAsync();
        var cpuBefore = redis.CpuTime;
        var phase = Stopwatch.StartNew();
        progress($"phase 1: {o.Decisions} blocks, publish to refused on all {nodes.Count} nodes");
        var everywhere = new List<TimeSpan>();
        var acks = new List<TimeSpan>();
        for (var i = 0; i < o.Decisions; i++)
        {
            var address = $"127.1.{i / 250}.{i % 250 + 1}";
            var clock = Stopwatch.StartNew();
            var publish = PublishAsync(nodes[0], "block", address, ct);
            var polls = nodes.Select(n => PollUntilRefusedAsync(n, address, clock, ct)).ToList();
            var (response, _) = await publish;
            acks.Add(clock.Elapsed);
            if (response is null)
            {
                throw new HarnessException($"the publish of block {address} failed");
            }
            published.Add("block " + address);
            var times = await Task.WhenAll(polls);
            everywhere.Add(times.Max());
        }
        var commands = await redis.CommandsAsync() - commandsBefore - 1;
        var cpu = redis.CpuTime - cpuBefore;
        report.Info("redis_per_decision", commands / (double)o.Decisions,
            $"{commands / (double)o.Decisions:F1} commands and {cpu.TotalMilliseconds / o.Decisions:F2} ms of redis CPU per decision with {nodes.Count} nodes " +
            $"(redis CPU {cpu.TotalSeconds:F2} s over {phase.Elapsed.TotalSeconds:F1} s, {100 * cpu.TotalSeconds / phase.Elapsed.TotalSeconds:F1}% of one core; includes the 1 s idle XREAD re-issues)");
        var summary = LatencySummary.Of(everywhere);
        report.Target("publish_to_refused_everywhere", summary.P99Ms, summary.ToString(), "p99 < 1000 ms", summary.P99Ms < 1000);
        report.Info("publish_acknowledged", LatencySummary.Of(acks).P50Ms, LatencySummary.Of(acks).ToString());
    }

    /// <summary>Connects from <paramref name="address"/> until the node refuses it at accept; the time since publish.</summary>
    private static async Task<TimeSpan> PollUntilRefusedAsync(FleetNode node, string address, Stopwatch since, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            // The time the close is seen, not the probe's start: a probe admitted just before the block is closed
            // by it too, and its start would undercount.
            if (await node.RefusesAsync(address, TimeSpan.FromMilliseconds(25)))
            {
                return since.Elapsed;
            }
            if (since.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new HarnessException($"{node.Folder} still admits {address} 30 s after the publish");
            }
        }
        return since.Elapsed;
    }

    private static async Task ChaosAsync(FleetOptions o, List<FleetNode> nodes, RedisProcess redis, NodeIdentity op, List<string> published, HarnessReport report,
        Action<string> progress, CancellationToken ct)
    {
        progress($"phase 2: {o.ChaosDecisions} blocks while redis is killed at random and forged entries are added");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var kills = 0;
        var forgedAdded = 0;
        var random = new Random(14);
        var chaos = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(random.Next(300, 2000), stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (stop.IsCancellationRequested)
                {
                    break;
                }
                await redis.StopAsync();
                kills++;
                await Task.Delay(random.Next(100, 800), CancellationToken.None);
                await redis.StartAgainAsync();
            }
        }, CancellationToken.None);
        using var stranger = NodeIdentity.Create();
        var forger = new FleetSigning(FleetName, [stranger.NodeKey]);
        var forge = Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(100, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                try
                {
                    await using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},connectTimeout=300,abortConnect=true");
                    var entry = forger.Sign(stranger, new StreamId(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1, 0), StreamId.Zero,
                        new FleetDecision(FleetAction.Block, Target($"127.6.{n / 250 % 250}.{n % 250 + 1}")));
                    await mux.GetDatabase().StreamAddAsync($"p2psecurity:fleet:{FleetName}:decisions", [.. entry.Fields().Select(f => new NameValueEntry(f.Key, f.Value))]);
                    forgedAdded++;
                    n++;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // Redis is down right now: try again next time.
                }
            }
        }, CancellationToken.None);
        var retries = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < o.ChaosDecisions; i++)
        {
            var address = $"127.5.{i / 250}.{i % 250 + 1}";
            var (response, tries) = await PublishAsync(nodes[0], "block", address, ct);
            if (response is null)
            {
                throw new HarnessException($"block {address} could not be published in 200 tries");
            }
            retries += tries - 1;
            published.Add("block " + address);
        }
        await stop.CancelAsync();
        await Task.WhenAll(chaos, forge);
        if (!redis.Running)
        {
            await redis.StartAgainAsync();
        }
        report.Info("chaos", kills, $"{o.ChaosDecisions:N0} decisions in {clock.Elapsed.TotalSeconds:F1} s, redis killed {kills} times, {retries} publish retries, {forgedAdded} forged entries added");

        // Everyone must converge on node 0's state, which must be exactly what was acknowledged.
        var expected = Digest(published);
        var converge = Stopwatch.StartNew();
        var infos = new FleetInfo?[nodes.Count];
        while (true)
        {
            for (var n = 0; n < nodes.Count; n++)
            {
                infos[n] = await nodes[n].FleetAsync(ct);
            }
            if (infos.All(f => f is { Connected: true } && f.StateDigest == expected && f.LastAppliedId == infos[0]!.LastAppliedId) || converge.Elapsed > TimeSpan.FromSeconds(60))
            {
                break;
            }
            // A node behind with nothing new to read would wait for the next entry: one more publish moves it on.
            if (converge.Elapsed > TimeSpan.FromSeconds(5) && (int)converge.Elapsed.TotalSeconds % 5 == 0)
            {
                await PublishAsync(nodes[0], "unblock", "127.7.0.1", ct);
            }
            await Task.Delay(500, ct);
        }
        report.Info("chaos_converged", converge.Elapsed.TotalSeconds, $"all nodes on one state {converge.Elapsed.TotalSeconds:F1} s after the last publish");
        var lost = 0;
        var differing = 0;
        for (var n = 0; n < nodes.Count; n++)
        {
            if (infos[n]?.StateDigest != expected)
            {
                differing++;
                foreach (var chunk in published.Chunk(100))
                {
                    var node = nodes[n];
                    var refused = await Task.WhenAll(chunk.Select(d => node.RefusesAsync(d["block ".Length..], TimeSpan.FromMilliseconds(200))));
                    lost += refused.Count(r => !r);
                }
            }
        }
        var (twice, forgedApplied) = ScanLogs(nodes);
        var gaps = infos.Sum(f => f?.Gaps ?? 0);
        report.Zero("lost", lost);
        report.Zero("nodes_not_agreeing", differing);
        report.Zero("applied_twice", twice);
        report.Zero("forged_applied", forgedApplied);
        report.Info("gaps", gaps, $"{gaps} entries applied after missing predecessors (recovered through snapshots otherwise); {infos.Sum(f => f?.SignaturesRejected ?? 0):N0} rejections in all, {infos.Sum(f => f?.SnapshotsLoaded ?? 0)} snapshot loads");
    }

    /// <summary>Counts, over every node's security log, stream ids applied more than once and forged decisions applied.</summary>
    private static (int Twice, int Forged) ScanLogs(List<FleetNode> nodes)
    {
        var twice = 0;
        var forged = 0;
        foreach (var node in nodes)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(node.SecurityLog))
            {
                if (Applied().Match(line) is { Success: true } m)
                {
                    twice += seen.Add(m.Groups[1].Value) ? 0 : 1;
                    forged += m.Groups[2].Value.Contains("127.6.", StringComparison.Ordinal) ? 1 : 0;
                }
            }
        }
        return (twice, forged);
    }

    private static async Task JoinAsync(FleetOptions o, string dll, string root, string env, RedisProcess redis, NodeIdentity op, HarnessReport report, Action<string> progress, CancellationToken ct)
    {
        progress($"phase 3: a node joining a fleet of {o.JoinDecisions:N0} decisions");
        var signing = new FleetSigning(FleetName, [op.NodeKey]);
        var body = new StringBuilder();
        var lines = new List<string>(o.JoinDecisions);
        for (var i = 0; i < o.JoinDecisions; i++)
        {
            lines.Add($"block 127.{8 + i / 65536}.{i / 256 % 256}.{i % 256}");
        }
        lines.Sort(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            body.Append(line).Append('\n');
        }
        await using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}");
        var db = mux.GetDatabase();
        var top = await db.StreamInfoAsync($"p2psecurity:fleet:{FleetName}:decisions");
        var covers = StreamId.Next(StreamId.Parse(top.LastGeneratedId.ToString()), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var snapshot = signing.SignSnapshot(op, covers, body.ToString());
        await db.HashSetAsync($"p2psecurity:fleet:{FleetName}:snapshot", [
            new HashEntry("covers", covers.ToString()), new HashEntry("body", snapshot.Body),
            new HashEntry("k", Convert.ToBase64String(snapshot.SignerPublicKey)), new HashEntry("s", Convert.ToBase64String(snapshot.Signature)),
        ]);
        await db.StreamTrimByMinIdAsync($"p2psecurity:fleet:{FleetName}:decisions", covers.ToString());
        report.Info("join_snapshot_bytes", body.Length, $"{o.JoinDecisions:N0} decisions, snapshot {body.Length / 1024.0 / 1024.0:F1} MiB");

        var clock = Stopwatch.StartNew();
        await using var joiner = await FleetNode.StartAsync(dll, Path.Combine(root, "joiner"), env);
        var listening = clock.Elapsed;
        var probe = lines[^1]["block ".Length..];
        var refused = await joiner.RefusesAsync(probe, TimeSpan.FromMilliseconds(500));
        var text = await File.ReadAllTextAsync(joiner.SecurityLog, ct);
        var m = Loaded().Match(text);
        var enforcing = m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
        var stored = m.Success ? double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : double.NaN;
        report.Target("join_snapshot_to_enforcing", enforcing, $"{enforcing:N0} ms from reading the snapshot to the view in force (stored in SQLite after {stored:N0} ms); " +
                      $"process start to listening {listening.TotalSeconds:F2} s; first probe from {probe} {(refused ? "refused" : "ADMITTED")}", "< 2000 ms", enforcing < 2000 && refused);
        var info = await joiner.FleetAsync(ct);
        report.Target("join_decisions_in_force", info?.DecisionsInForce ?? 0, $"{info?.DecisionsInForce:N0} in force, digest {info?.StateDigest}", $"{o.JoinDecisions:N0}",
            info?.DecisionsInForce == o.JoinDecisions && info.StateDigest == Digest(lines));
    }

    private static string Digest(IEnumerable<string> decisions)
    {
        var sorted = decisions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var text = string.Concat(sorted.Select(d => d + "\n"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private static BanTarget Target(string text) => BanTarget.TryParse(text, out var t, out var e) ? t : throw new FormatException(e);

    [GeneratedRegex(@"fleet_applied source=fleet id=(\S+) decision=(.+)$")]
    private static partial Regex Applied();

    [GeneratedRegex(@"fleet_snapshot_loaded .*enforcing_after_ms=(\d+) stored_after_ms=(\d+)")]
    private static partial Regex Loaded();
}
