using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// The kill switch end to end: <c>reload_security lockdown</c> as a real process against the real server process,
/// with real nodes over TLS.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LockdownTests
{
    // A long handshake timeout, so that a connection closed at once can only have been closed by the accept gate.
    private const string Env = "MAX_CONNECTIONS_PER_IP=20\nCONNECTION_RATE_LIMIT=600/min\nHANDSHAKE_TIMEOUT=1min\n";

    [Fact]
    public async Task Lockdown_OnThenOff_RefusesBeforeTlsClosesSessionsAndShowsFirstInStatus()
    {
        var alice = NodeIdentity.Create();
        using var folder = new TempFolder(Env);
        await using var server = await ServerProcess.StartAsync(folder.EnvPath);
        var ct = TestContext.Current.CancellationToken;
        var (session, hello) = await NodeClient.ConnectAndHandshakeAsync(Options(server, alice, "127.0.0.2"), ct);
        await using var aliceSession = session;
        Assert.True(hello.Welcomed, hello.ToString());

        var on = await ToolProcess.RunAsync("reload_security", folder.Path, "lockdown", "on", "--reason", "key leaked on the wiki");
        Assert.True(on.ExitCode == 0, on.ToString());
        Assert.Contains("1 session closed", on.Out, StringComparison.Ordinal);

        // The open session gets a Refusal with reason 5 and is closed (within a second; 10 s is the test's patience).
        var clock = Stopwatch.StartNew();
        var last = await ReceiveUntilClosedAsync(aliceSession, ct);
        Assert.Equal(DenyReason.Lockdown, Assert.IsType<RefusalMessage>(last).Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the session took {clock.Elapsed} to close");
        Assert.True(await ClosedWithoutAByteAsync(server.EndPoint, "127.0.0.3", ct), "a new connection must be closed before TLS");

        var status = await ToolProcess.RunAsync("reload_security", folder.Path, "status");
        Assert.True(status.ExitCode == 0, status.ToString());
        var first = status.Out.Split('\n')[0];
        Assert.StartsWith("LOCKED DOWN  on since ", first, StringComparison.Ordinal);
        Assert.EndsWith("reason: key leaked on the wiki", first, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse((await ToolProcess.RunAsync("reload_security", folder.Path, "status", "--json")).Out))
        {
            var s = json.RootElement.GetProperty("status");
            Assert.True(s.GetProperty("lockdown").GetProperty("active").GetBoolean());
            Assert.True(s.GetProperty("refusals_by_reason").GetProperty("lockdown").GetInt64() >= 2);
        }

        var off = await ToolProcess.RunAsync("reload_security", folder.Path, "lockdown", "off");
        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.Contains("lockdown lifted", off.Out, StringComparison.Ordinal);
        Assert.True((await HandshakeAsync(server, alice, "127.0.0.2", ct)).Welcomed);
        var shown = await ToolProcess.RunAsync("reload_security", folder.Path, "lockdown");
        Assert.Equal("lockdown     off", shown.Out.Trim());
    }

    [Fact]
    public async Task Lockdown_AllowTrusted_WelcomesOnlyAllowedKeysAndKeepsTheirSessions()
    {
        var trusted = NodeIdentity.Create();
        var stranger = NodeIdentity.Create();
        using var folder = new TempFolder(Env + "EVICT_ON_POLICY_CHANGE=false\n");
        await using var server = await ServerProcess.StartAsync(folder.EnvPath);
        var ct = TestContext.Current.CancellationToken;
        // The stranger is welcomed while the policy is open; then the operator writes the trusted key.
        var (strangerClient, strangerHello) = await NodeClient.ConnectAndHandshakeAsync(Options(server, stranger, "127.0.0.4"), ct);
        await using var strangerSession = strangerClient;
        Assert.True(strangerHello.Welcomed);
        var add = await ToolProcess.RunAsync("manage_trusted_nodes", folder.Path, "add", trusted.NodeKey.ToString());
        Assert.True(add.ExitCode == 0, add.ToString());
        var (trustedClient, trustedHello) = await NodeClient.ConnectAndHandshakeAsync(Options(server, trusted, "127.0.0.5"), ct);
        await using var trustedSession = trustedClient;
        Assert.True(trustedHello.Welcomed);

        var on = await ToolProcess.RunAsync("reload_security", folder.Path, "lockdown", "on", "--allow-trusted", "--json");
        Assert.True(on.ExitCode == 0, on.ToString());
        using (var json = JsonDocument.Parse(on.Out))
        {
            var l = json.RootElement.GetProperty("lockdown");
            Assert.True(l.GetProperty("allow_trusted").GetBoolean());
            Assert.Equal(1, l.GetProperty("sessions_closed").GetInt32());
        }

        Assert.Equal(DenyReason.Lockdown, Assert.IsType<RefusalMessage>(await ReceiveUntilClosedAsync(strangerSession, ct)).Reason);
        await trustedSession.SendAsync(new PingMessage([7]), ct);
        Assert.Equal([7], Assert.IsType<PongMessage>(await trustedSession.ReceiveAsync(ct)).Data);
        Assert.True((await HandshakeAsync(server, trusted, "127.0.0.6", ct)).Welcomed);
        // A stranger gets through TLS, and the node gate refuses it (not in the allow list).
        Assert.Equal(DenyReason.NodeNotAllowed, (await HandshakeAsync(server, stranger, "127.0.0.7", ct)).Reason);
    }

    [Fact]
    public async Task Lockdown_ServerRestartedWhileLockedDown_StaysLockedDown()
    {
        var alice = NodeIdentity.Create();
        using var folder = new TempFolder(Env);
        var ct = TestContext.Current.CancellationToken;
        await using (var first = await ServerProcess.StartAsync(folder.EnvPath))
        {
            var on = await ToolProcess.RunAsync("reload_security", folder.Path, "lockdown", "on", "--reason", "incident 42");
            Assert.True(on.ExitCode == 0, on.ToString());
            await first.StopAsync();
        }
        // Kept in the state database, not in a file beside the policy.
        Assert.False(File.Exists(folder.EnvPath + ".lockdown"));
        Assert.True(File.Exists(folder.File("p2psecurity.db")));

        await using var second = await ServerProcess.StartAsync(folder.EnvPath);

        Assert.Contains("lockdown_restored", second.Output, StringComparison.Ordinal);
        Assert.True(await ClosedWithoutAByteAsync(second.EndPoint, "127.0.0.2", ct));
        var shown = await ToolProcess.RunAsync("reload_security", folder.Path, "lockdown");
        Assert.StartsWith("LOCKED DOWN  on since ", shown.Out, StringComparison.Ordinal);
        Assert.Contains("reason: incident 42", shown.Out, StringComparison.Ordinal);
        var off = await ToolProcess.RunAsync("reload_security", folder.Path, "lockdown", "off");
        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.True((await HandshakeAsync(second, alice, "127.0.0.2", ct)).Welcomed);
    }

    [Fact]
    public async Task Lockdown_For_LiftsItselfWhenTheServersClockPassesTheEnd()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await LiveServer.StartAsync(Env, time);

        var on = await ToolProcess.RunAsync("reload_security", server.Folder.Path, "lockdown", "on", "--for", "30min");
        Assert.True(on.ExitCode == 0, on.ToString());
        Assert.Contains("lifts itself at", on.Out, StringComparison.Ordinal);
        Assert.Equal(DenyReason.Lockdown, server.TryConnect("10.0.0.1", LiveServer.NewKey()).Reason);

        time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(DenyReason.Lockdown, server.TryConnect("10.0.0.1", LiveServer.NewKey()).Reason);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(server.TryConnect("10.0.0.1", LiveServer.NewKey()).Allowed);
        var shown = await ToolProcess.RunAsync("reload_security", server.Folder.Path, "lockdown");
        Assert.Equal("lockdown     off", shown.Out.Trim());
    }

    [Fact]
    public async Task Lockdown_BadArguments_AreUsageErrors()
    {
        await using var server = await LiveServer.StartAsync(Env);

        var badFor = await ToolProcess.RunAsync("reload_security", server.Folder.Path, "lockdown", "on", "--for", "soon");
        Assert.True(badFor.ExitCode == 64, badFor.ToString());
        Assert.Contains("--for 'soon' is not a duration", badFor.Err, StringComparison.Ordinal);
        var optionWithOff = await ToolProcess.RunAsync("reload_security", server.Folder.Path, "lockdown", "off", "--keep-sessions");
        Assert.True(optionWithOff.ExitCode == 64, optionWithOff.ToString());
        var badAction = await ToolProcess.RunAsync("reload_security", server.Folder.Path, "lockdown", "maybe");
        Assert.True(badAction.ExitCode == 64, badAction.ToString());
        Assert.False(server.Manager.Lockdown.Current.Active);
    }

    private static NodeClientOptions Options(ServerProcess server, NodeIdentity identity, string local) => new()
    {
        Server = server.EndPoint,
        Identity = identity,
        LocalAddress = IPAddress.Parse(local),
    };

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

    /// <summary>A plain TCP connection that the server closes without sending a byte (no TLS), well before the handshake timeout.</summary>
    private static async Task<bool> ClosedWithoutAByteAsync(IPEndPoint server, string local, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(local), 0));
        await socket.ConnectAsync(server, ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[64];
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    private static async Task<NodeMessage?> ReceiveUntilClosedAsync(NodeClient client, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        NodeMessage? last = null;
        while (await client.ReceiveAsync(timeout.Token) is { } message)
        {
            last = message;
        }
        return last;
    }
}
