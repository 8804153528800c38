using System.Runtime.Versioning;
using System.Text.Json;
using P2PSecurity.Core.Security;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.Tests;

/// <summary>manage_trusted_nodes ban, unban and bans as real processes against a live server with its state database.</summary>
[SupportedOSPlatform("linux")]
public sealed class BanCommandTests
{
    private const string Tool = "manage_trusted_nodes";

    [Fact]
    public async Task Ban_AddressCidrAndKey_InForceWhenTheCommandReturns_EnvUntouched()
    {
        var key = LiveServer.NewKey();
        await using var server = await LiveServer.StartAsync("# policy\nMAX_CONNECTIONS_PER_IP=5\n", bans: true);
        var envBefore = File.ReadAllBytes(server.EnvPath);
        var live = server.Connect("127.0.0.9", LiveServer.NewKey());
        var closed = new TaskCompletionSource<SecurityDecision>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.OnEvict(d => closed.TrySetResult(d));

        var address = await RunAsync(server, "ban", "127.0.0.9", "--for", "1h", "--reason", "port scan");
        var range = await RunAsync(server, "ban", "127.0.1.0/24", "--for", "forever");
        var node = await RunAsync(server, "ban", key);

        Assert.True(address.ExitCode == 0, address.ToString());
        Assert.Contains("banned: 127.0.0.9 (address) until", address.Out, StringComparison.Ordinal);
        Assert.Contains("1 live session closed", address.Out, StringComparison.Ordinal);
        Assert.Equal(DenyReason.IpBanned, (await closed.Task).Reason);
        Assert.True(range.ExitCode == 0, range.ToString());
        Assert.Contains("banned: 127.0.1.0/24 (range) forever", range.Out, StringComparison.Ordinal);
        Assert.True(node.ExitCode == 0, node.ToString());
        Assert.Equal(DenyReason.IpBanned, server.TryConnect("127.0.0.9", LiveServer.NewKey()).Reason);
        Assert.Equal(DenyReason.IpBanned, server.TryConnect("127.0.1.200", LiveServer.NewKey()).Reason);
        Assert.Equal(DenyReason.NodeBanned, server.TryConnect("127.0.0.10", key).Reason);
        Assert.Equal(envBefore, File.ReadAllBytes(server.EnvPath));
        live.Release();
    }

    [Fact]
    public async Task Bans_ListsSourceReasonAndTimeLeft_Json()
    {
        await using var server = await LiveServer.StartAsync("", bans: true);
        Assert.Equal(0, (await RunAsync(server, "ban", "127.0.0.9", "--for", "2h", "--reason", "port scan")).ExitCode);

        var text = await RunAsync(server, "bans");
        var json = await RunAsync(server, "bans", "--json");

        Assert.Contains("1 active ban (1 operator; MAX_BANS 1,000,000):", text.Out, StringComparison.Ordinal);
        Assert.Contains("127.0.0.9  address, operator, made ", text.Out, StringComparison.Ordinal);
        Assert.Contains("reason: port scan", text.Out, StringComparison.Ordinal);
        var response = JsonSerializer.Deserialize(json.Out, ToolJson.Context.ControlResponse)!;
        var ban = Assert.Single(response.Bans!.Bans);
        Assert.Equal(("127.0.0.9", "operator", "port scan"), (ban.Target, ban.Source, ban.Reason));
        Assert.InRange(ban.SecondsLeft!.Value, 7000, 7200);
    }

    [Fact]
    public async Task Unban_NextConnectionAdmitted()
    {
        await using var server = await LiveServer.StartAsync("", bans: true);
        Assert.Equal(0, (await RunAsync(server, "ban", "127.0.0.9")).ExitCode);

        var unban = await RunAsync(server, "unban", "::ffff:127.0.0.9");
        var again = await RunAsync(server, "unban", "127.0.0.9");

        Assert.True(unban.ExitCode == 0, unban.ToString());
        Assert.Contains("unbanned: 127.0.0.9", unban.Out, StringComparison.Ordinal);
        Assert.Contains("127.0.0.9 is not banned; nothing changed", again.Out, StringComparison.Ordinal);
        Assert.True(server.TryConnect("127.0.0.9", LiveServer.NewKey()).Allowed);
    }

    [Theory]
    [InlineData("ban", "10.1.2.3/8", "has host bits set")]
    [InlineData("ban", "not-an-address", "is not an IP address, a CIDR range or a node key")]
    public async Task Ban_BadTarget_UsageErrorWithoutAServer(string verb, string target, string expected)
    {
        await using var server = await LiveServer.StartAsync("", bans: true);

        var result = await RunAsync(server, verb, target);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains(expected, result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ban_BadDuration_UsageError()
    {
        await using var server = await LiveServer.StartAsync("", bans: true);

        var result = await RunAsync(server, "ban", "127.0.0.9", "--for", "a while");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("is not a ban length", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ban_TableFullOfOperatorBans_ServerErrorSaysWhy()
    {
        await using var server = await LiveServer.StartAsync("MAX_BANS=1\n", bans: true);
        Assert.Equal(0, (await RunAsync(server, "ban", "127.0.0.9")).ExitCode);

        var full = await RunAsync(server, "ban", "127.0.0.10");

        Assert.Equal(3, full.ExitCode);
        Assert.Contains("ban_table_full", full.Err, StringComparison.Ordinal);
        Assert.Contains("MAX_BANS (1) bans are held and all are operator bans", full.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ban_NoServer_ExitsTwo()
    {
        using var folder = new TempFolder("");

        var result = await ToolProcess.RunAsync(Tool, folder.Path, "ban", "127.0.0.9", "--env-file", folder.EnvPath);

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Status_ShowsBansBySource()
    {
        await using var server = await LiveServer.StartAsync("", bans: true);
        Assert.Equal(0, (await RunAsync(server, "ban", "127.0.0.9")).ExitCode);

        var status = await ToolProcess.RunAsync("reload_security", server.Folder.Path, "status", "--env-file", server.EnvPath);

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("bans         1 active (1 operator, 0 automatic), MAX_BANS 1,000,000, AUTO_BAN on", status.Out, StringComparison.Ordinal);
    }

    private static Task<ToolResult> RunAsync(LiveServer server, params string[] args) =>
        ToolProcess.RunAsync(Tool, server.Folder.Path, [.. args, "--env-file", server.EnvPath]);
}
