using System.Net;
using System.Runtime.Versioning;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using StackExchange.Redis;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// The fleet end to end: real server processes sharing one real Redis (started by the test, no persistence), a
/// decision published through one node's tool, enforced by every node.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class FleetProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Block_PublishedThroughOneNodesTool_RefusedBeforeTlsEverywhere_LiveSessionClosed()
    {
        await using var fleet = await FleetNodes.StartAsync(3);
        var (folderA, _) = fleet.Nodes[0];
        var (_, serverC) = fleet.Nodes[2];
        var ct = TestContext.Current.CancellationToken;
        using var peer = NodeIdentity.Create();
        var (client, hello) = await NodeClient.ConnectAndHandshakeAsync(new NodeClientOptions
        {
            Server = serverC.EndPoint, Identity = peer, LocalAddress = IPAddress.Parse("127.0.0.42"),
        }, ct);
        await using var session = client;
        Assert.True(hello.Welcomed, hello.ToString());

        var block = await ToolProcess.RunAsync("manage_trusted_nodes", folderA.Path, "block", "127.0.0.42", "--fleet");

        Assert.True(block.ExitCode == 0, block.ToString());
        Assert.Contains("published 'block 127.0.0.42'", block.Out, StringComparison.Ordinal);
        await fleet.WaitEveryNodeAsync("127.0.0.42", refused: true, Bound);
        Assert.Equal(DenyReason.IpBlocked, Assert.IsType<RefusalMessage>(await ReceiveUntilClosedAsync(session, ct)).Reason);
        foreach (var (folder, _) in fleet.Nodes)
        {
            var status = await fleet.StatusAsync(folder);
            Assert.True(status.RefusalsByReason.GetValueOrDefault("ip_blocked") >= 1, folder.Path);
            Assert.Equal(1, status.Fleet!.DecisionsInForce);
            Assert.True(status.Fleet.Connected);
        }
        Assert.Contains(fleet.Nodes[2].Server.Output.Split('\n'), l => l.Contains("session_closed source=fleet", StringComparison.Ordinal));
        Assert.False(await FleetNodes.RefusedBeforeTlsAsync(fleet.Nodes[1].Server.EndPoint, "127.0.0.43"));
    }

    [Fact]
    public async Task UnblockAndExpiringBan_ReachEveryNode()
    {
        await using var fleet = await FleetNodes.StartAsync(2);
        var (folderA, _) = fleet.Nodes[0];
        var (folderB, _) = fleet.Nodes[1];
        Assert.Equal(0, (await ToolProcess.RunAsync("manage_trusted_nodes", folderA.Path, "block", "127.0.0.50", "--fleet")).ExitCode);
        await fleet.WaitEveryNodeAsync("127.0.0.50", refused: true, Bound);

        var unblock = await ToolProcess.RunAsync("manage_trusted_nodes", folderB.Path, "unblock", "127.0.0.50", "--fleet");
        var ban = await ToolProcess.RunAsync("reload_security", folderB.Path, "fleet", "publish", "ban", "127.0.0.51", "--for", "4s");

        Assert.True(unblock.ExitCode == 0, unblock.ToString());
        Assert.True(ban.ExitCode == 0, ban.ToString());
        await fleet.WaitEveryNodeAsync("127.0.0.50", refused: false, Bound);
        await fleet.WaitEveryNodeAsync("127.0.0.51", refused: true, Bound);
        // The ban ends at the same wall-clock time everywhere, with nothing more published.
        await fleet.WaitEveryNodeAsync("127.0.0.51", refused: false, Bound);
        var a = await fleet.FleetAsync(folderA);
        var b = await fleet.FleetAsync(folderB);
        Assert.Equal(a.LastAppliedId, b.LastAppliedId);
        Assert.Equal((0, a.StateDigest), (b.DecisionsInForce, b.StateDigest));
    }

    [Fact]
    public async Task ForgedDecision_XaddedStraightIntoRedis_Ignored()
    {
        await using var fleet = await FleetNodes.StartAsync(2);
        var (folderA, _) = fleet.Nodes[0];
        Assert.Equal(0, (await ToolProcess.RunAsync("manage_trusted_nodes", folderA.Path, "block", "127.0.0.60", "--fleet")).ExitCode);
        await fleet.WaitEveryNodeAsync("127.0.0.60", refused: true, Bound);
        var before = await fleet.FleetAsync(folderA);
        using var attacker = NodeIdentity.Create();
        var forger = new FleetSigning("test", [attacker.NodeKey]);
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fleet.Redis.Port}");
        var db = redis.GetDatabase();

        // An unblock signed by a key no node trusts, a copy of a real entry at a new id, and plain garbage.
        var forged = forger.Sign(attacker, StreamId.Next(StreamId.Parse(before.LastAppliedId), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), StreamId.Parse(before.LastAppliedId),
            new FleetDecision(FleetAction.Unblock, Target("127.0.0.60")));
        await db.StreamAddAsync("p2psecurity:fleet:test:decisions", [.. forged.Fields().Select(f => new NameValueEntry(f.Key, f.Value))], forged.Id.ToString());
        var real = (await db.StreamRangeAsync("p2psecurity:fleet:test:decisions", count: 1))[0];
        await db.StreamAddAsync("p2psecurity:fleet:test:decisions", real.Values);
        await db.StreamAddAsync("p2psecurity:fleet:test:decisions", "d", "allow " + attacker.NodeKey);

        foreach (var (folder, _) in fleet.Nodes)
        {
            await WaitAsync(async () => (await fleet.FleetAsync(folder)).SignaturesRejected >= 3, "three rejected entries on " + folder.Path);
        }
        await fleet.WaitEveryNodeAsync("127.0.0.60", refused: true, Bound);
        foreach (var (folder, _) in fleet.Nodes)
        {
            var info = await fleet.FleetAsync(folder);
            Assert.Equal((1, before.LastAppliedId), (info.DecisionsInForce, info.LastAppliedId));
        }
    }

    [Fact]
    public async Task RedisStoppedAndStarted_NodesKeepEnforcing_ThenCatchUp_NothingLost()
    {
        await using var fleet = await FleetNodes.StartAsync(3);
        var (folderA, _) = fleet.Nodes[0];
        Assert.Equal(0, (await ToolProcess.RunAsync("manage_trusted_nodes", folderA.Path, "block", "127.0.0.70", "--fleet")).ExitCode);
        await fleet.WaitEveryNodeAsync("127.0.0.70", refused: true, Bound);

        await fleet.Redis.StopAsync();
        foreach (var (folder, _) in fleet.Nodes)
        {
            await WaitAsync(async () => !(await fleet.FleetAsync(folder)).Connected, "the node to see Redis gone");
        }
        await fleet.WaitEveryNodeAsync("127.0.0.70", refused: true, Bound);
        var refused = await ToolProcess.RunAsync("manage_trusted_nodes", folderA.Path, "block", "127.0.0.71", "--fleet");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("not published", refused.Err, StringComparison.Ordinal);
        Assert.False(await FleetNodes.RefusedBeforeTlsAsync(fleet.Nodes[0].Server.EndPoint, "127.0.0.71"));

        await fleet.Redis.StartAgainAsync(); // empty: no persistence
        await WaitAsync(async () => (await ToolProcess.RunAsync("manage_trusted_nodes", folderA.Path, "block", "127.0.0.71", "--fleet")).ExitCode == 0,
            "a publish once Redis is back");
        await ToolProcess.RunAsync("manage_trusted_nodes", folderA.Path, "block", "127.0.0.72", "--fleet");

        await fleet.WaitEveryNodeAsync("127.0.0.71", refused: true, Bound);
        await fleet.WaitEveryNodeAsync("127.0.0.72", refused: true, Bound);
        await fleet.WaitEveryNodeAsync("127.0.0.70", refused: true, Bound);
        foreach (var (folder, _) in fleet.Nodes)
        {
            // A node can have caught up through a snapshot read while its follower's own connection is still in its
            // reconnect backoff (at most 5 s): wait for the follower, bounded, then compare.
            await WaitAsync(async () => (await fleet.FleetAsync(folder)).Connected, "the node's follower to reconnect");
        }
        var a = await fleet.FleetAsync(folderA);
        foreach (var (folder, _) in fleet.Nodes)
        {
            var info = await fleet.FleetAsync(folder);
            Assert.True(info.Connected);
            Assert.Equal((3, a.LastAppliedId, a.StateDigest, 0L), (info.DecisionsInForce, info.LastAppliedId, info.StateDigest, info.Gaps));
        }
    }

    [Fact]
    public async Task NodeStartedAfter10000Decisions_LoadsTheSnapshot_AgreesExactly()
    {
        await using var fleet = await FleetNodes.StartAsync(2);
        var (folderA, _) = fleet.Nodes[0];
        await SeedAsync(fleet, 10_000);
        await WaitAsync(async () => (await fleet.FleetAsync(folderA)).Applied >= 10_000, "node A to apply the 10,000 decisions");
        var compact = await ToolProcess.RunAsync("reload_security", folderA.Path, "fleet", "compact");
        Assert.True(compact.ExitCode == 0, compact.ToString());
        Assert.Contains("snapshot written", compact.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await ToolProcess.RunAsync("manage_trusted_nodes", folderA.Path, "unblock", "10.0.0.7", "--fleet")).ExitCode);

        var (folderD, serverD) = await fleet.AddNodeAsync();

        var a = await fleet.FleetAsync(folderA);
        await WaitAsync(async () => (await fleet.FleetAsync(folderD)).LastAppliedId == a.LastAppliedId, "the new node to catch up");
        var d = await fleet.FleetAsync(folderD);
        Assert.Equal(1, d.SnapshotsLoaded);
        Assert.True(d.Applied < 10, $"the new node applied {d.Applied} entries: it should start from the snapshot");
        Assert.Equal((9_999, a.StateDigest), (d.DecisionsInForce, d.StateDigest));
        Assert.Equal((9_999, a.StateDigest), ((await fleet.FleetAsync(fleet.Nodes[1].Folder)).DecisionsInForce, (await fleet.FleetAsync(fleet.Nodes[1].Folder)).StateDigest));
        Assert.False(await FleetNodes.RefusedBeforeTlsAsync(serverD.EndPoint, "127.0.0.1"));
    }

    /// <summary>Signs <paramref name="count"/> chained blocks of 10.x.y.z as the operator and appends them in one pipeline.</summary>
    private static async Task SeedAsync(FleetNodes fleet, int count)
    {
        var signing = new FleetSigning("test", [fleet.Operator.NodeKey]);
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fleet.Redis.Port}");
        var db = redis.GetDatabase();
        var prev = StreamId.Zero;
        var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var batch = db.CreateBatch();
        var sends = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            var id = new StreamId(ms, i);
            var entry = signing.Sign(fleet.Operator, id, prev, new FleetDecision(FleetAction.Block, Target($"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")));
            sends.Add(batch.StreamAddAsync("p2psecurity:fleet:test:decisions", [.. entry.Fields().Select(f => new NameValueEntry(f.Key, f.Value))], id.ToString()));
            prev = id;
        }
        batch.Execute();
        await Task.WhenAll(sends);
    }

    private static BanTarget Target(string text) => BanTarget.TryParse(text, out var t, out var e) ? t : throw new FormatException(e);

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for " + what);
            await Task.Delay(100);
        }
    }

    /// <summary>Reads until the server closes the session (a timeout fails the test); the last message before the close.</summary>
    private static async Task<NodeMessage?> ReceiveUntilClosedAsync(NodeClient client, CancellationToken ct)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(Bound);
        NodeMessage? last = null;
        while (await client.ReceiveAsync(bound.Token) is { } message)
        {
            last = message;
        }
        return last;
    }
}
