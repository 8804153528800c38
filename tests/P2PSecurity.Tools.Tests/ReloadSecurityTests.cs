using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using P2PSecurity.Core.Control;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.Tests;

[SupportedOSPlatform("linux")]
public sealed class ReloadSecurityTests
{
    private const string Tool = "reload_security";

    [Fact]
    public async Task Reload_InvalidFile_Exits1WithTheLineAndTheServerKeepsItsRevision()
    {
        await using var server = await LiveServer.StartAsync("MAX_CONNECTIONS_PER_IP=3\n");
        File.WriteAllText(server.EnvPath, "MAX_CONNECTIONS_PER_IP=4\n# typo below\nCONNECTION_RATE_LIMIT=ten per minute\n");

        var reload = await RunAsync(server.Folder, "reload");

        Assert.True(reload.ExitCode == 1, reload.ToString());
        Assert.Contains("refused: the file has errors; revision 1 stays in force", reload.Err, StringComparison.Ordinal);
        Assert.Contains("CONNECTION_RATE_LIMIT line 3: 'ten per minute' is not a rate", reload.Err, StringComparison.Ordinal);
        Assert.Equal((1, 3), (server.Manager.Policy.Revision, server.Manager.Policy.MaxConnectionsPerIp));
    }

    [Fact]
    public async Task Reload_ValidEdit_Exits0AndPrintsWhatChanged()
    {
        await using var server = await LiveServer.StartAsync("MAX_CONNECTIONS_PER_IP=3\n");
        File.WriteAllText(server.EnvPath, "MAX_CONNECTIONS_PER_IP=9\n");

        var reload = await RunAsync(server.Folder, "reload");

        Assert.True(reload.ExitCode == 0, reload.ToString());
        Assert.Equal("reloaded: revision 2 in force (1 change, 0 sessions closed)\n  MAX_CONNECTIONS_PER_IP: 3 -> 9", reload.Out);
        Assert.Equal(9, server.Manager.Policy.MaxConnectionsPerIp);
    }

    [Fact]
    public async Task CheckAndReload_WhitelistToOpen_PrintTheModeChangeInTextAndJson()
    {
        var node = LiveServer.NewKey();
        await using var server = await LiveServer.StartAsync($"ALLOWED_NODE_KEYS={node}\n");
        File.WriteAllText(server.EnvPath, "ALLOWED_NODE_KEYS=\n");

        var check = await RunAsync(server.Folder, "check");
        var checkJson = await RunAsync(server.Folder, "check", "--json");
        Assert.True(check.ExitCode == 0, check.ToString());
        const string Opened = "warning: mode: whitelist (1 allowed keys) -> open (any authenticated node): ALLOWED_NODE_KEYS is empty, so the node is open to any authenticated node";
        Assert.Contains("  " + Opened, check.Out, StringComparison.Ordinal);
        var live = JsonSerializer.Deserialize(checkJson.Out, ToolJson.Context.CheckOutput)!.Live!;
        Assert.Equal(("whitelist", "open", true), (live.ModeChange!.From, live.ModeChange.To, live.ModeChange.Opened));
        Assert.Equal(1, server.Manager.Policy.Revision);

        var reload = await RunAsync(server.Folder, "reload");
        Assert.True(reload.ExitCode == 0, reload.ToString());
        Assert.StartsWith($"reloaded: revision 2 in force (1 change, 0 sessions closed)\n  {Opened}\n  ALLOWED_NODE_KEYS: removed {node}", reload.Out, StringComparison.Ordinal);
        File.WriteAllText(server.EnvPath, $"ALLOWED_NODE_KEYS={node}\n");
        var closed = JsonSerializer.Deserialize((await RunAsync(server.Folder, "reload", "--json")).Out, ToolJson.Context.ControlResponse)!.Reload!;
        Assert.Equal(("open", "whitelist", false), (closed.ModeChange!.From, closed.ModeChange.To, closed.ModeChange.Opened));
    }

    [Fact]
    public async Task Reload_EmptiedFile_KeepsTheLastGoodPolicyStatusSaysSoAndAcceptEmptyAppliesTheDefaults()
    {
        var node = LiveServer.NewKey();
        await using var server = await LiveServer.StartAsync($"ALLOWED_NODE_KEYS={node}\nBLOCKED_IP_ADDRESSES=203.0.113.0/24\n");
        File.WriteAllBytes(server.EnvPath, []); // `: > .env`

        var reload = await RunAsync(server.Folder, "reload");
        var status = await RunAsync(server.Folder, "status");
        var statusJson = JsonSerializer.Deserialize((await RunAsync(server.Folder, "status", "--json")).Out, ToolJson.Context.ControlResponse)!.Status!;

        Assert.True(reload.ExitCode == 1, reload.ToString());
        Assert.Equal("kept: the file is empty; revision 1, the last good policy, stays in force\n" +
                     "  run 'reload_security reload --accept-empty' to put the embedded defaults in force on purpose", reload.Err);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("last reload  empty at ", status.Out, StringComparison.Ordinal);
        Assert.Contains("file         EMPTY: the last good policy (revision 1) is kept; 'reload_security reload --accept-empty' applies the embedded defaults",
            status.Out, StringComparison.Ordinal);
        Assert.Contains("mode         whitelist (1 allowed keys)", status.Out, StringComparison.Ordinal);
        Assert.Equal((true, "empty", 1L), (statusJson.PolicyFileEmpty, statusJson.LastReload.Outcome, statusJson.PolicyRevision));
        Assert.Equal((1L, true), (server.Manager.Policy.Revision, server.Manager.Policy.WhitelistMode));
        Assert.Contains("note: the file is empty: a running server that read a non-empty file keeps that policy",
            (await RunAsync(server.Folder, "check")).Out, StringComparison.Ordinal);

        var accepted = await RunAsync(server.Folder, "reload", "--accept-empty");

        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.StartsWith("reloaded: revision 2 in force (2 changes, 0 sessions closed)\n  warning: mode: whitelist (1 allowed keys) -> open", accepted.Out, StringComparison.Ordinal);
        Assert.Equal((2L, false, 0), (server.Manager.Policy.Revision, server.Manager.Policy.WhitelistMode, server.Manager.Policy.BlockedIpEntries.Count));
        Assert.DoesNotContain("EMPTY", (await RunAsync(server.Folder, "status")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_ReflectsTheLiveConnectionsAndPolicy()
    {
        var node = LiveServer.NewKey();
        await using var server = await LiveServer.StartAsync($"ALLOWED_NODE_KEYS={node}\nBLOCKED_IP_ADDRESSES=10.0.0.0/8\n");
        server.Connect("127.0.0.2", node);
        server.Connect("127.0.0.3", node);

        var text = await RunAsync(server.Folder, "status");
        var json = await RunAsync(server.Folder, "status", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("connections  2 live, 2 authenticated, 0 outbound", text.Out, StringComparison.Ordinal);
        Assert.Contains($"  node {node}  2", text.Out, StringComparison.Ordinal);
        Assert.Contains("mode         whitelist (1 allowed keys)", text.Out, StringComparison.Ordinal);
        var status = JsonSerializer.Deserialize(json.Out, ToolJson.Context.ControlResponse)!.Status!;
        Assert.Equal((2, 1, 1, "whitelist"), (status.LiveConnections, status.AllowedNodeKeys, status.BlockedIpEntries, status.Mode));
        Assert.Equal(["127.0.0.2", "127.0.0.3"], status.ConnectionsByIp.Select(c => c.Name));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("reload")]
    public async Task ServerNotRunning_Exits2WithAClearMessage(string verb)
    {
        using var folder = new TempFolder("MAX_CONNECTIONS_PER_IP=3\n");

        var run = await RunAsync(folder, verb);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"server not reachable: no control socket at {folder.SocketPath}. Is p2psecurity-server running with {folder.EnvPath}?", run.Err);
    }

    [Fact]
    public async Task Status_StaleSocketOfACrashedServer_Exits2AndSaysStale()
    {
        using var folder = new TempFolder(string.Empty);
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            // Moved away before disposal, since .NET deletes the file it bound; the inode stays as a dead socket.
            dead.Bind(new UnixDomainSocketEndPoint(folder.SocketPath + ".bind"));
            File.Move(folder.SocketPath + ".bind", folder.SocketPath);
        }

        var run = await RunAsync(folder, "status");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"server not reachable: nothing listens on {folder.SocketPath}, a stale socket left by a server that stopped. Is p2psecurity-server running with {folder.EnvPath}?", run.Err);
    }

    [Fact]
    public async Task Check_InvalidFile_Exits1WithEveryErrorAndItsLine()
    {
        using var folder = new TempFolder("# policy\nBLOCKED_IP_ADDRESSES=10.0.0.0/33\nALLOWED_NODE_KEYS=xyz\n");

        var run = await RunAsync(folder, "check");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("BLOCKED_IP_ADDRESSES line 2: '10.0.0.0/33' is not a valid CIDR (IPv4 prefix is 0-32)", run.Err, StringComparison.Ordinal);
        Assert.Contains("ALLOWED_NODE_KEYS line 3: 'xyz' is not a node key", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithServer_ListsTheConnectionsACandidateWouldRefuseAndWarnsOfLockOuts()
    {
        var node = LiveServer.NewKey();
        await using var server = await LiveServer.StartAsync(string.Empty);
        server.Connect("127.0.0.5", node);
        File.WriteAllText(server.EnvPath, $"BLOCKED_NODE_KEYS={node}\nBLOCKED_IP_ADDRESSES=127.0.0.1\n");

        var run = await RunAsync(server.Folder, "check");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("lock-out: BLOCKED_IP_ADDRESSES blocks 127.0.0.1, the loopback address", run.Out, StringComparison.Ordinal);
        Assert.Contains($"  BLOCKED_NODE_KEYS: blocked {node}", run.Out, StringComparison.Ordinal);
        Assert.Contains("  1 live connection would be refused, 1 session closed:", run.Out, StringComparison.Ordinal);
        Assert.Contains($"    127.0.0.5 node {node}: node_blocked", run.Out, StringComparison.Ordinal);
        Assert.Equal(1, server.Manager.Policy.Revision);
    }

    [Fact]
    public async Task GarbageControlRequest_LeavesTheServerServingTheTools()
    {
        await using var server = await LiveServer.StartAsync(string.Empty);
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(server.Folder.SocketPath), TestContext.Current.CancellationToken);
            await socket.SendAsync(Encoding.UTF8.GetBytes("GET / HTTP/1.1\r\n\r\n\0\u0001garbage"), TestContext.Current.CancellationToken);
            socket.Shutdown(SocketShutdown.Send);
            var reply = new byte[4096];
            var n = await socket.ReceiveAsync(reply, TestContext.Current.CancellationToken);
            Assert.Equal(ControlProtocol.ErrorCodes.MalformedRequest,
                JsonSerializer.Deserialize(reply.AsSpan(0, n), ControlJsonContext.Default.ControlResponse)!.Error!.Code);
        }

        var status = await RunAsync(server.Folder, "status");

        Assert.True(status.ExitCode == 0, status.ToString());
    }

    [Fact]
    public async Task Help_ListsCommandsAndTheSharedExitCodes_BadCommandLineIs64()
    {
        using var folder = new TempFolder();

        var help = await RunAsync(folder, "help");
        var bad = await RunAsync(folder, "reload", "--no-such-option");

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("  check ", help.Out, StringComparison.Ordinal);
        Assert.Contains("    2  server not reachable", help.Out, StringComparison.Ordinal);
        Assert.Equal(64, bad.ExitCode);
        Assert.Contains("Unrecognized command or argument '--no-such-option'", bad.Err, StringComparison.Ordinal);
    }

    private static Task<ToolResult> RunAsync(TempFolder folder, params string[] args) =>
        ToolProcess.RunAsync(Tool, folder.Path, [.. args, "--env-file", folder.EnvPath]);
}
