using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// Bans end to end: the real server process with its state database, real nodes over TLS, peers writing their own
/// bytes, and manage_trusted_nodes as a process. Restarts and a SIGKILL show what the database keeps.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BanEndToEndTests
{
    private const string Tool = "manage_trusted_nodes";

    /// <summary>How long a refusal at accept may take to show (the server closes at once; this is the machine's slack).</summary>
    private static readonly TimeSpan AcceptWindow = TimeSpan.FromSeconds(3);

    private const string OpenPolicy = "MAX_CONNECTIONS_PER_IP=10\nCONNECTION_RATE_LIMIT=600/min\n";

    [Fact]
    public async Task Ban_AddressThenCidrThenNodeKey_EachRefusedAndItsLiveSessionClosedWithinOneSecond()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder(OpenPolicy);
        await using var server = await ServerProcess.StartAsync(folder.EnvPath);
        var carol = NodeIdentity.Create();
        var (byAddress, _) = await WelcomedAsync(server, NodeIdentity.Create(), "127.0.0.2", ct);
        var (byRange, _) = await WelcomedAsync(server, NodeIdentity.Create(), "127.0.1.5", ct);
        var (byKey, _) = await WelcomedAsync(server, carol, "127.0.0.3", ct);
        await using (byAddress)
        await using (byRange)
        await using (byKey)
        {
            var address = await BanAndTimeCloseAsync(folder, byAddress, ct, "ban", "127.0.0.2", "--for", "1h", "--reason", "port scan");
            var range = await BanAndTimeCloseAsync(folder, byRange, ct, "ban", "127.0.1.0/24");
            var key = await BanAndTimeCloseAsync(folder, byKey, ct, "ban", carol.NodeKey.ToString(), "--for", "forever");

            Assert.Equal(DenyReason.IpBanned, address.Reason);
            Assert.Equal(DenyReason.IpBanned, range.Reason);
            Assert.Equal(DenyReason.NodeBanned, key.Reason);
            Assert.All(new[] { address, range, key }, c => Assert.True(c.AfterReturn <= TimeSpan.FromSeconds(1), $"closed {c.AfterReturn.TotalMilliseconds:0} ms after ban returned"));
        }

        // New connections: the address and the range are refused at accept, the key at the key check.
        Assert.True(await RawPeer.ClosedAtAcceptAsync(server.EndPoint, "127.0.0.2", AcceptWindow, ct));
        Assert.True(await RawPeer.ClosedAtAcceptAsync(server.EndPoint, "127.0.1.200", AcceptWindow, ct));
        Assert.Equal(DenyReason.NodeBanned, (await HandshakeAsync(server, carol, "127.0.0.4", ct)).Reason);
        Assert.True((await HandshakeAsync(server, NodeIdentity.Create(), "127.0.2.1", ct)).Welcomed);
    }

    [Fact]
    public async Task Ban_ServerRestartedDuringTheBan_BanStillHolds()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder(OpenPolicy);
        var dave = NodeIdentity.Create();
        await using (var first = await ServerProcess.StartAsync(folder.EnvPath))
        {
            Assert.Equal(0, (await RunAsync(folder, "ban", "127.0.0.2", "--for", "2h")).ExitCode);
            Assert.Equal(0, (await RunAsync(folder, "ban", dave.NodeKey.ToString(), "--for", "2h")).ExitCode);
            await first.StopAsync();
        }

        await using var second = await ServerProcess.StartAsync(folder.EnvPath);

        await second.WaitForLineAsync(@"bans_loaded active=2 ");
        Assert.True(await RawPeer.ClosedAtAcceptAsync(second.EndPoint, "127.0.0.2", AcceptWindow, ct));
        Assert.Equal(DenyReason.NodeBanned, (await HandshakeAsync(second, dave, "127.0.0.3", ct)).Reason);
        var bans = await BansAsync(folder);
        Assert.Equal(new[] { "127.0.0.2", dave.NodeKey.ToString() }.Order(StringComparer.Ordinal), bans.Select(b => b.Target).Order(StringComparer.Ordinal));
        Assert.All(bans, b => Assert.InRange(b.SecondsLeft!.Value, 6000, 7200));
    }

    [Fact]
    public async Task Ban_ServerKilledRightAfterBanReturns_BanSurvivesTheRestart()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder(OpenPolicy);
        await using (var first = await ServerProcess.StartAsync(folder.EnvPath))
        {
            var ban = await RunAsync(folder, "ban", "127.0.0.0/29", "--reason", "crash drill");
            await first.KillAsync();
            Assert.True(ban.ExitCode == 0, ban.ToString());
        }

        await using var second = await ServerProcess.StartAsync(folder.EnvPath);

        Assert.True(await RawPeer.ClosedAtAcceptAsync(second.EndPoint, "127.0.0.6", AcceptWindow, ct));
        var survived = Assert.Single(await BansAsync(folder));
        Assert.Equal(("127.0.0.0/29", "operator", "crash drill"), (survived.Target, survived.Source, survived.Reason));
    }

    [Fact]
    public async Task AutoBan_ProtocolViolationsFromARawPeer_AddressBannedAndRefusedAtAccept()
    {
        var ct = TestContext.Current.CancellationToken;
        // Loopback is exempt by default; this test's peers are all loopback, so the list is emptied.
        using var folder = new TempFolder(OpenPolicy + "AUTO_BAN=on\nAUTO_BAN_THRESHOLD=10\nAUTO_BAN_DURATION=30m\nAUTO_BAN_EXEMPT=\n");
        await using var server = await ServerProcess.StartAsync(folder.EnvPath);
        var mallory = NodeIdentity.Create();

        // Weight 5 each: the second violation reaches 10.
        Assert.Equal((byte)DenyReason.ProtocolViolation, await RawPeer.SendPingInHandshakeAsync(server.EndPoint, "127.0.0.7", mallory, ct));
        Assert.Equal((byte)DenyReason.ProtocolViolation, await RawPeer.SendPingInHandshakeAsync(server.EndPoint, "127.0.0.7", mallory, ct));
        await server.WaitForLineAsync(@"auto_ban target=127\.0\.0\.7 strikes=10 last=protocol_violation for=30m ban_number=1");

        Assert.True(await RawPeer.ClosedAtAcceptAsync(server.EndPoint, "127.0.0.7", AcceptWindow, ct));
        Assert.True((await HandshakeAsync(server, NodeIdentity.Create(), "127.0.0.8", ct)).Welcomed);
        var ban = Assert.Single(await BansAsync(folder));
        Assert.Equal(("127.0.0.7", "automatic"), (ban.Target, ban.Source));
        Assert.InRange(ban.SecondsLeft!.Value, 1700, 1800);
    }

    [Fact]
    public async Task AutoBan_AddressOfAWelcomedAllowedNode_NeverBanned()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = NodeIdentity.Create();
        using var folder = new TempFolder($"ALLOWED_NODE_KEYS={alice.NodeKey}\n" + OpenPolicy + "AUTO_BAN=on\nAUTO_BAN_THRESHOLD=10\nAUTO_BAN_EXEMPT=\n");
        await using var server = await ServerProcess.StartAsync(folder.EnvPath);
        var (session, _) = await WelcomedAsync(server, alice, "127.0.0.4", ct);
        await using (session)
        {
            // A second, broken connection of the same node from the same address: four violations, twice the threshold.
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal((byte)DenyReason.ProtocolViolation, await RawPeer.SendPingInHandshakeAsync(server.EndPoint, "127.0.0.4", alice, ct));
            }
            // The same from an address with no welcomed session is banned: the protection, not the threshold, saved 127.0.0.4.
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal((byte)DenyReason.ProtocolViolation, await RawPeer.SendPingInHandshakeAsync(server.EndPoint, "127.0.0.5", alice, ct));
            }
            await server.WaitForLineAsync(@"auto_ban target=127\.0\.0\.5 ");

            await server.WaitForLineAsync(@"auto_ban_skipped target=127\.0\.0\.4 strikes=10");
            Assert.DoesNotContain("auto_ban target=127.0.0.4 ", server.Output + server.Errors, StringComparison.Ordinal);
            Assert.False(await RawPeer.ClosedAtAcceptAsync(server.EndPoint, "127.0.0.4", TimeSpan.FromMilliseconds(500), ct));
            Assert.Equal(["127.0.0.5"], (await BansAsync(folder)).Select(b => b.Target));
            // Alice's session is still served.
            await session.SendAsync(new PingMessage([1, 2, 3]), ct);
            Assert.IsType<PongMessage>(await ReceiveAsync(session, ct));
        }
    }

    /// <summary>Runs the ban command while reading the session; how long after the command returned the session closed (0 if before).</summary>
    private static async Task<(DenyReason Reason, TimeSpan AfterReturn)> BanAndTimeCloseAsync(TempFolder folder, NodeClient session, CancellationToken ct, params string[] args)
    {
        var closed = ReadUntilClosedAsync(session, ct);
        var result = await RunAsync(folder, args);
        var returnedAt = Stopwatch.GetTimestamp();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("1 live session closed", result.Out, StringComparison.Ordinal);
        var (last, closedAt) = await closed;
        var after = closedAt > returnedAt ? Stopwatch.GetElapsedTime(returnedAt, closedAt) : TimeSpan.Zero;
        return (Assert.IsType<RefusalMessage>(last).Reason, after);
    }

    /// <summary>Reads until the server closes the session: the last message, and the monotonic timestamp of the close.</summary>
    private static async Task<(NodeMessage? Message, long ClosedAt)> ReadUntilClosedAsync(NodeClient session, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        NodeMessage? last = null;
        while (await session.ReceiveAsync(timeout.Token) is { } message)
        {
            last = message;
        }
        return (last, Stopwatch.GetTimestamp());
    }

    private static async Task<NodeMessage?> ReceiveAsync(NodeClient session, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return await session.ReceiveAsync(timeout.Token);
    }

    private static async Task<(NodeClient Client, HandshakeResult Result)> WelcomedAsync(ServerProcess server, NodeIdentity identity, string local, CancellationToken ct)
    {
        var (client, result) = await NodeClient.ConnectAndHandshakeAsync(Options(server, identity, local), ct);
        Assert.True(result.Welcomed, result.ToString());
        return (client, result);
    }

    private static async Task<HandshakeResult> HandshakeAsync(ServerProcess server, NodeIdentity identity, string local, CancellationToken ct)
    {
        var (client, result) = await NodeClient.ConnectAndHandshakeAsync(Options(server, identity, local), ct);
        await using (client)
        {
            if (result.Welcomed)
            {
                await client.GoodbyeAsync(ct);
            }
        }
        return result;
    }

    private static NodeClientOptions Options(ServerProcess server, NodeIdentity identity, string local) => new()
    {
        Server = server.EndPoint,
        Identity = identity,
        LocalAddress = IPAddress.Parse(local),
    };

    private static async Task<IReadOnlyList<Core.Control.BanInfo>> BansAsync(TempFolder folder)
    {
        var json = await RunAsync(folder, "bans", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        return JsonSerializer.Deserialize(json.Out, ToolJson.Context.ControlResponse)!.Bans!.Bans;
    }

    private static Task<ToolResult> RunAsync(TempFolder folder, params string[] args) =>
        ToolProcess.RunAsync(Tool, folder.Path, [.. args, "--env-file", folder.EnvPath]);
}
