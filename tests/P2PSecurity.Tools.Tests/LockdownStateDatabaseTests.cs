using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// The lockdown kept in the state database, with the real server process: an old <c>.env.lockdown</c> is imported
/// once at the first start, and the preflight sees the lockdown of the running server that holds the database.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LockdownStateDatabaseTests
{
    private const string Env = "MAX_CONNECTIONS_PER_IP=20\nCONNECTION_RATE_LIMIT=600/min\nHANDSHAKE_TIMEOUT=1min\n";

    [Fact]
    public async Task Start_OldStateFileLockedDown_ImportedOnceRenamedAndLiftedForGood()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder(Env);
        var legacy = LockdownStore.PathFor(folder.EnvPath);
        var now = DateTimeOffset.UtcNow;
        LockdownStore.Write(legacy, new LockdownState { Active = true, Since = now, Reason = "left by the old version" }, now);

        await using (var first = await ServerProcess.StartAsync(folder.EnvPath))
        {
            await first.WaitForLineAsync(@"lockdown_state_migrated from=\S+\.env\.lockdown to=\S+p2psecurity\.db mode=on");
            Assert.True(await RawPeer.ClosedAtAcceptAsync(first.EndPoint, "127.0.0.2", TimeSpan.FromSeconds(3), ct));
            Assert.False(File.Exists(legacy));
            Assert.True(File.Exists(legacy + ".migrated"));
            var off = await ToolProcess.RunAsync("reload_security", folder.Path, "lockdown", "off");
            Assert.True(off.ExitCode == 0, off.ToString());
            await first.StopAsync();
        }

        await using var second = await ServerProcess.StartAsync(folder.EnvPath);

        Assert.DoesNotContain("lockdown_restored", second.Output + second.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("lockdown_state_migrated", second.Output + second.Errors, StringComparison.Ordinal);
        var (client, hello) = await NodeClient.ConnectAndHandshakeAsync(new NodeClientOptions
        {
            Server = second.EndPoint,
            Identity = NodeIdentity.Create(),
            LocalAddress = IPAddress.Parse("127.0.0.2"),
        }, ct);
        await using (client)
        {
            Assert.True(hello.Welcomed, hello.ToString());
        }
    }

    [Fact]
    public async Task Preflight_RunningServerLockedDown_SaysSoFromTheServer()
    {
        using var folder = new TempFolder(Env);
        await using var server = await ServerProcess.StartAsync(folder.EnvPath);
        var on = await ToolProcess.RunAsync("reload_security", folder.Path, "lockdown", "on", "--reason", "drill 3");
        Assert.True(on.ExitCode == 0, on.ToString());

        var preflight = await ToolProcess.RunAsync("reload_security", folder.Path, "preflight");

        Assert.Contains("[WARN] the running server is locked down: on since ", preflight.Out, StringComparison.Ordinal);
        Assert.Contains("reason: drill 3; a restart stays locked down", preflight.Out, StringComparison.Ordinal);
    }
}
