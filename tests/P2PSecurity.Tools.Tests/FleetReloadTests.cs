using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// FLEET_* on a policy reload, on real server processes and real Redis servers: turning the fleet on, pointing it
/// at another Redis and turning it off each take effect without a restart; a dead Redis or a fleet that cannot be
/// made changes nothing that is enforced, and is reported.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class FleetReloadTests
{
    private const string Plain = "AUTO_BAN=off\nCONNECTION_RATE_LIMIT=1000/s\nMAX_CONNECTIONS_PER_IP=50\n";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reload_FleetTurnedOn_PointedAtAnotherRedis_ThenOff_EachInForceWithoutRestart()
    {
        await using var fleet = await FleetNodes.StartAsync(1);
        var (folderA, _) = fleet.Nodes[0];
        using var folderB = new TempFolder(Plain);
        File.SetUnixFileMode(folderB.EnvPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var serverB = await ServerProcess.StartAsync(folderB.EnvPath);
        Assert.Equal(0, (await ToolProcess.RunAsync("manage_trusted_nodes", folderA.Path, "block", "127.0.0.110", "--fleet")).ExitCode);
        await fleet.WaitEveryNodeAsync("127.0.0.110", refused: true, Bound);
        Assert.False(await FleetNodes.RefusedBeforeTlsAsync(serverB.EndPoint, "127.0.0.110"));

        // On: the node joins the fleet and takes what it decided.
        await File.WriteAllTextAsync(folderB.EnvPath, fleet.Env, Ct);
        await serverB.WaitForLineAsync(@"policy_change revision=\d+ FLEET_REDIS: \(none\) -> " + Regex.Escape(fleet.Redis.Url) + ": the node joins fleet test");
        await WaitAsync(() => FleetNodes.RefusedBeforeTlsAsync(serverB.EndPoint, "127.0.0.110"), "the joined node to refuse the fleet's block");
        await WaitAsync(async () => (await fleet.StatusAsync(folderB)).Fleet is { Connected: true } f && f.Hub == fleet.Redis.Url, "the joined node's follower");

        // Elsewhere: another Redis; what was applied stays in force (as across a restart), new decisions go there.
        await using var other = await RedisProcess.StartAsync();
        await File.WriteAllTextAsync(folderB.EnvPath, fleet.Env.Replace(fleet.Redis.Url, other.Url, StringComparison.Ordinal), Ct);
        await serverB.WaitForLineAsync(@"fleet_reconfigured from=fleet test at " + Regex.Escape(fleet.Redis.Url) + ".* to=fleet test at " + Regex.Escape(other.Url));
        await WaitAsync(async () => (await fleet.StatusAsync(folderB)).Fleet is { Connected: true } f && f.Hub == other.Url, "the follower on the other Redis");
        Assert.True(await FleetNodes.RefusedBeforeTlsAsync(serverB.EndPoint, "127.0.0.110"));
        var publish = await ToolProcess.RunAsync("manage_trusted_nodes", folderB.Path, "block", "127.0.0.111", "--fleet");
        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.True(await FleetNodes.RefusedBeforeTlsAsync(serverB.EndPoint, "127.0.0.111"));
        Assert.Equal(1, (await fleet.FleetAsync(folderA)).DecisionsInForce); // A follows the first Redis only

        // Off: the fleet's decisions are no longer enforced on this node, and it answers as a node in no fleet.
        await File.WriteAllTextAsync(folderB.EnvPath, Plain + "MAX_CONNECTIONS=900\n", Ct);
        await serverB.WaitForLineAsync("fleet_reconfigured from=fleet test at " + Regex.Escape(other.Url) + ".* to=none");
        Assert.Null((await fleet.StatusAsync(folderB)).Fleet);
        Assert.False(await FleetNodes.RefusedBeforeTlsAsync(serverB.EndPoint, "127.0.0.110"));
        Assert.False(await FleetNodes.RefusedBeforeTlsAsync(serverB.EndPoint, "127.0.0.111"));
        var status = await ToolProcess.RunAsync("reload_security", folderB.Path, "fleet");
        Assert.Equal(3, status.ExitCode);
        Assert.Contains("FLEET_REDIS is not set", status.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_DeadRedisOrUnreadableOperatorIdentity_KeepsEnforcing_AndSaysSo()
    {
        await using var fleet = await FleetNodes.StartAsync(1);
        var (folder, server) = fleet.Nodes[0];
        Assert.Equal(0, (await ToolProcess.RunAsync("manage_trusted_nodes", folder.Path, "block", "127.0.0.120", "--fleet")).ExitCode);
        await fleet.WaitEveryNodeAsync("127.0.0.120", refused: true, Bound);

        // A Redis nobody listens on: the new fleet is in force from the stored state, reported not connected.
        var dead = $"redis://127.0.0.1:{FreePort()}/0";
        await File.WriteAllTextAsync(folder.EnvPath, fleet.Env.Replace(fleet.Redis.Url, dead, StringComparison.Ordinal), Ct);
        await server.WaitForLineAsync("fleet_reconfigured .* to=fleet test at " + Regex.Escape(dead));
        var info = (await fleet.StatusAsync(folder)).Fleet!;
        Assert.Equal((dead, false, 1), (info.Hub, info.Connected, info.DecisionsInForce));
        Assert.True(await FleetNodes.RefusedBeforeTlsAsync(server.EndPoint, "127.0.0.120"));
        var refused = await ToolProcess.RunAsync("manage_trusted_nodes", folder.Path, "unblock", "127.0.0.120", "--fleet");
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("not published", refused.Err, StringComparison.Ordinal);
        Assert.True(await FleetNodes.RefusedBeforeTlsAsync(server.EndPoint, "127.0.0.120"));

        // An operator identity that cannot be read: the fleet in force stays, with a warning naming the setting.
        var garbage = folder.File("garbage.pem");
        await File.WriteAllTextAsync(garbage, "not a pem\n", Ct);
        await File.WriteAllTextAsync(folder.EnvPath, fleet.Env.Replace(fleet.OperatorPath, garbage, StringComparison.Ordinal), Ct);
        await server.WaitForLineAsync("fleet_reconfigure_failed .*FLEET_OPERATOR_IDENTITY " + Regex.Escape(garbage) + ".*the fleet in force stays: fleet test at " + Regex.Escape(dead));
        var kept = (await fleet.StatusAsync(folder)).Fleet!;
        Assert.Equal((dead, 1), (kept.Hub, kept.DecisionsInForce));
        Assert.True(await FleetNodes.RefusedBeforeTlsAsync(server.EndPoint, "127.0.0.120"));

        // Fixed: back on the real Redis, following again.
        await File.WriteAllTextAsync(folder.EnvPath, fleet.Env + "MAX_CONNECTIONS=901\n", Ct);
        await WaitAsync(async () => (await fleet.StatusAsync(folder)).Fleet is { Connected: true } f && f.Hub == fleet.Redis.Url, "the follower back on the real Redis");
        Assert.True(await FleetNodes.RefusedBeforeTlsAsync(server.EndPoint, "127.0.0.120"));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}
