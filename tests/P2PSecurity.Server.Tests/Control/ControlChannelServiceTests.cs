using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Control;

namespace P2PSecurity.Server.Tests.Control;

[SupportedOSPlatform("linux")]
public sealed class ControlChannelServiceTests
{
    private static NodeKey NewKey() => NodeKey.FromHash(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task Status_ReportsTheLivePolicyConnectionsAndRefusals()
    {
        var allowed = NewKey();
        await using var f = await ControlChannelFixture.StartAsync($"ALLOWED_NODE_KEYS={allowed}\nBLOCKED_IP_ADDRESSES=10.0.0.0/8\nMAX_CONNECTIONS_PER_IP=5\n");
        var a = f.Manager.OnNewConnection(IPAddress.Parse("127.0.0.2")).Slot!;
        var b = f.Manager.OnNewConnection(IPAddress.Parse("127.0.0.2")).Slot!;
        Assert.True(f.Manager.EvaluateNode(a, allowed, networkKeyProven: true).Allowed);
        Assert.False(f.Manager.EvaluateNode(b, NewKey(), networkKeyProven: true).Allowed);
        Assert.False(f.Manager.OnNewConnection(IPAddress.Parse("10.1.2.3")).Allowed);

        var status = (await f.AskAsync("status")).Status!;

        Assert.Equal(1, status.PolicyRevision);
        Assert.Equal(f.Manager.PolicyPath, status.PolicyPath);
        Assert.Equal("whitelist", status.Mode);
        Assert.Equal((1, 0, 1), (status.AllowedNodeKeys, status.BlockedNodeKeys, status.BlockedIpEntries));
        Assert.Equal((2, 1), (status.LiveConnections, status.AuthenticatedConnections));
        Assert.Equal([("127.0.0.2", 2)], status.ConnectionsByIp.Select(c => (c.Name, c.Count)));
        Assert.Equal([(allowed.ToString(), 1)], status.ConnectionsByNode.Select(c => (c.Name, c.Count)));
        Assert.Equal(1, status.RefusalsByReason["node_not_allowed"]);
        Assert.Equal(1, status.RefusalsByReason["ip_blocked"]);
        Assert.Equal(5, status.Limits.MaxConnectionsPerIp);
        Assert.Equal("10/min", status.Limits.ConnectionRateLimit);
        Assert.Equal("[::]:9828", status.Server.ListenEndpoint);
        Assert.Equal(Environment.ProcessId, status.Server.ProcessId);
        Assert.Equal("applied", status.LastReload.Outcome);
    }

    [Fact]
    public async Task Reload_ValidEdit_AppliesAndSaysWhatChanged()
    {
        await using var f = await ControlChannelFixture.StartAsync("MAX_CONNECTIONS_PER_IP=3\n");
        File.WriteAllText(f.EnvPath, "MAX_CONNECTIONS_PER_IP=7\n");

        var reload = (await f.AskAsync("reload")).Reload!;

        Assert.Equal("applied", reload.Outcome);
        Assert.Equal(2, reload.Revision);
        Assert.Equal(["MAX_CONNECTIONS_PER_IP: 3 -> 7"], reload.Changes);
        Assert.Equal(7, f.Manager.Policy.MaxConnectionsPerIp);
        Assert.Equal(reload.At, (await f.AskAsync("status")).Status!.PolicyLoadedAt);
    }

    [Fact]
    public async Task Reload_InvalidFile_KeepsTheOldRevisionAndReturnsTheErrors()
    {
        await using var f = await ControlChannelFixture.StartAsync("MAX_CONNECTIONS_PER_IP=3\n");
        File.WriteAllText(f.EnvPath, "# broken\nBLOCKED_IP_ADDRESSES=10.0.0.0/33\n");

        var reload = (await f.AskAsync("reload")).Reload!;

        Assert.Equal("invalid", reload.Outcome);
        Assert.Equal(1, reload.Revision);
        Assert.Equal(1, f.Manager.Policy.Revision);
        var error = Assert.Single(reload.Diagnostics, d => d.IsError);
        Assert.Equal("BLOCKED_IP_ADDRESSES line 2: '10.0.0.0/33' is not a valid CIDR (IPv4 prefix is 0-32)", error.Text);
        var status = (await f.AskAsync("status")).Status!;
        Assert.Equal((1, "invalid"), (status.PolicyRevision, status.LastReload.Outcome));
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe, 0x00, 0x01, (byte)'\n' }, "malformed_request")]
    [InlineData(new byte[] { (byte)'n', (byte)'u', (byte)'l', (byte)'l' }, "malformed_request")]
    [InlineData(new byte[] { }, "malformed_request")]
    public async Task Garbage_GetsAnErrorReplyAndTheServerKeepsServing(byte[] garbage, string code)
    {
        await using var f = await ControlChannelFixture.StartAsync(string.Empty);

        var reply = await f.SendRawAsync(garbage);

        Assert.False(reply!.Ok);
        Assert.Equal(code, reply.Error!.Code);
        Assert.True((await f.AskAsync("status")).Ok);
    }

    [Fact]
    public async Task PropertyGivenTwice_IsMalformedNotReadAsTheLastOne()
    {
        await using var f = await ControlChannelFixture.StartAsync("MAX_CONNECTIONS_PER_IP=3\n");
        File.WriteAllText(f.EnvPath, "MAX_CONNECTIONS_PER_IP=4\n");

        // Status or reload? A parser that takes the last one would reload; this request is ambiguous and refused.
        var reply = await f.SendRawAsync(Encoding.UTF8.GetBytes("{\"version\":1,\"type\":\"status\",\"type\":\"reload\"}\n"));

        Assert.Equal("malformed_request", reply!.Error!.Code);
        Assert.Equal(1, f.Manager.Policy.Revision);
    }

    [Fact]
    public async Task OversizedRequest_GetsRequestTooLargeAndTheServerKeepsServing()
    {
        await using var f = await ControlChannelFixture.StartAsync(string.Empty);
        var huge = Encoding.UTF8.GetBytes("{\"version\":1,\"type\":\"check-live\",\"text\":\"" + new string('x', 200_000) + "\"}\n");

        var reply = await f.SendRawAsync(huge);

        Assert.Equal("request_too_large", reply!.Error!.Code);
        Assert.True((await f.AskAsync("status")).Ok);
    }

    [Theory]
    [InlineData("{\"version\":1,\"type\":\"self-destruct\"}\n", "unknown_request", "unknown request type 'self-destruct'; known: status, reload, check-live, pending, lockdown, ban, unban, bans, dashboard-url, dashboard-password")]
    [InlineData("{\"version\":99,\"type\":\"status\"}\n", "unsupported_version", "this server speaks control protocol version 1, the request has version 99")]
    [InlineData("{\"version\":1,\"type\":\"check-live\",\"path\":\"relative/.env\"}\n", "invalid_argument", "path 'relative/.env' is not absolute; the server's working folder is not the client's")]
    [InlineData("{\"version\":1,\"type\":\"check-live\"}\n", "invalid_argument", "check-live needs exactly one of 'path' (absolute) or 'text'")]
    public async Task BadRequest_GetsItsOwnErrorCodeAndMessage(string request, string code, string message)
    {
        await using var f = await ControlChannelFixture.StartAsync(string.Empty);

        var reply = await f.SendRawAsync(Encoding.UTF8.GetBytes(request));

        Assert.Equal((code, message), (reply!.Error!.Code, reply.Error.Message));
    }

    [Fact]
    public async Task SilentClient_IsAnsweredWithATimeoutAndDoesNotBlockOthers()
    {
        await using var f = await ControlChannelFixture.StartAsync(string.Empty, o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));
        var silent = f.SendRawAsync(Encoding.UTF8.GetBytes("{\"version\":1,"), closeSend: false);

        Assert.True((await f.AskAsync("status")).Ok);
        var reply = await silent;

        Assert.Equal("timeout", reply!.Error!.Code);
    }

    [Fact]
    public async Task Socket_IsOwnerOnlyAndRemovedAtStop()
    {
        var f = await ControlChannelFixture.StartAsync(string.Empty);
        var path = f.SocketPath;
        try
        {
            Assert.Equal(Path.Combine(f.Dir, "p2psecurity.sock"), path);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally
        {
            await f.Service.StopAsync(CancellationToken.None);
        }
        Assert.False(File.Exists(path));
        await f.DisposeAsync();
    }

    [Fact]
    public async Task Start_StaleSocketFromACrashedServer_IsReplaced()
    {
        await using var f = await ControlChannelFixture.StartAsync(string.Empty, beforeStart: dir => CreateStaleSocket(Path.Combine(dir, "p2psecurity.sock")));

        Assert.True((await f.AskAsync("status")).Ok);
    }

    [Fact]
    public async Task Start_AnotherLiveServerOnTheSocket_RefusesWithAClearMessageAndTheFirstKeepsServing()
    {
        await using var f = await ControlChannelFixture.StartAsync(string.Empty);
        using var second = new ControlChannelService(f.Manager, new ControlChannelOptions(), NullLogger<ControlChannelService>.Instance, new RecentNodeRefusals());

        var ex = await Assert.ThrowsAsync<ControlChannelException>(() => second.StartAsync(CancellationToken.None));

        Assert.Equal($"another server is already running with the control socket {f.SocketPath}; stop it first, or give this one another CONTROL_SOCKET", ex.Message);
        Assert.True((await f.AskAsync("status")).Ok);
    }

    [Fact]
    public async Task Start_RegularFileAtTheSocketPath_IsRefusedAndTheFileKept()
    {
        var dir = Directory.CreateTempSubdirectory("p2ps-ctl-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "p2psecurity.sock"), "precious");
            using var manager = SecurityManager.Create(Path.Combine(dir, ".env"));
            using var service = new ControlChannelService(manager, new ControlChannelOptions(), NullLogger<ControlChannelService>.Instance, new RecentNodeRefusals());

            var ex = await Assert.ThrowsAsync<ControlChannelException>(() => service.StartAsync(CancellationToken.None));

            Assert.Contains("is an existing file, not a socket", ex.Message, StringComparison.Ordinal);
            Assert.Equal("precious", File.ReadAllText(Path.Combine(dir, "p2psecurity.sock")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task CheckLive_CandidateBlockingAConnectedNode_ListsItAndCountsTheSession()
    {
        var node = NewKey();
        await using var f = await ControlChannelFixture.StartAsync(string.Empty);
        var slot = f.Manager.OnNewConnection(IPAddress.Parse("127.0.0.9")).Slot!;
        Assert.True(f.Manager.EvaluateNode(slot, node, networkKeyProven: true).Allowed);
        var candidate = Path.Combine(f.Dir, "candidate.env");
        File.WriteAllText(candidate, $"BLOCKED_NODE_KEYS={node}\n");

        var byPath = (await f.SendAsync(new ControlRequest { Type = "check-live", Path = candidate })).Response!.CheckLive!;
        var byText = (await f.SendAsync(new ControlRequest { Type = "check-live", Text = "BLOCKED_IP_ADDRESSES=127.0.0.0/24\n" })).Response!.CheckLive!;

        Assert.True(byPath.Valid);
        var refused = Assert.Single(byPath.WouldRefuse);
        Assert.Equal((node.ToString(), "127.0.0.9", "node_blocked"), (refused.NodeKey, refused.Address, refused.Reason));
        Assert.Equal(1, byPath.SessionsWouldClose);
        Assert.Equal([$"BLOCKED_NODE_KEYS: blocked {node}"], byPath.Changes);
        Assert.Equal("ip_blocked", Assert.Single(byText.WouldRefuse).Reason);
        Assert.Equal(1, f.Manager.Policy.Revision);
    }

    [Fact]
    public async Task CheckLive_InvalidCandidate_ReturnsItsErrorsOnly()
    {
        await using var f = await ControlChannelFixture.StartAsync(string.Empty);

        var check = (await f.SendAsync(new ControlRequest { Type = "check-live", Text = "DEFAULT_P2P_PORT=0\n" })).Response!.CheckLive!;

        Assert.False(check.Valid);
        Assert.Equal("DEFAULT_P2P_PORT line 1: '0' is not a whole number from 1 to 65535", Assert.Single(check.Diagnostics).Text);
        Assert.Empty(check.Changes);
    }

    [Fact]
    public async Task Pending_ListsTheNodeRefusedAtTheNodeGate()
    {
        var stranger = NewKey();
        await using var f = await ControlChannelFixture.StartAsync($"ALLOWED_NODE_KEYS={NewKey()}\n");
        var slot = f.Manager.OnNewConnection(IPAddress.Parse("127.0.0.4")).Slot!;
        Assert.False(f.Manager.EvaluateNode(slot, stranger, networkKeyProven: true).Allowed);

        var pending = (await f.AskAsync("pending")).Pending!;

        var node = Assert.Single(pending.Nodes);
        Assert.Equal((stranger.ToString(), "127.0.0.4", "node_not_allowed", "node_not_allowed"), (node.NodeKey, node.Address, node.Reason, node.Now));
        Assert.Equal(256, pending.Capacity);
    }

    /// <summary>A socket file nobody listens on, as a killed server leaves (moved away so .NET's cleanup misses it).</summary>
    private static void CreateStaleSocket(string path)
    {
        using var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        dead.Bind(new UnixDomainSocketEndPoint(path + ".bind"));
        File.Move(path + ".bind", path);
    }
}
