using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using P2PSecurity.Core.Identity;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>
/// <c>p2psecurity-server --check</c> as systemd's ExecStartPre= runs it: a real process on a real folder, one line per
/// check, exit 0 without [ERR] and 1 with one.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Tier", "EndToEnd")]
public sealed class PreflightTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Check_GoodSetUp_AllOkAndExitsZeroWithoutStarting()
    {
        var port = FreePort();
        WriteGoodSetUp(port);

        await using var check = ServerProcess.Start(_folder.Path, "--check", "--env-file", _folder.EnvPath);
        var exit = await check.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, check.Output + check.Errors);
        var lines = check.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var checks = lines.Where(l => l.StartsWith('[')).ToList();
        Assert.Equal(10, checks.Count); // policy, identity, secret, listen, metrics, dashboard, control socket, database, log, lockdown
        Assert.All(checks, l => Assert.StartsWith("[OK] ", l, StringComparison.Ordinal));
        Assert.Contains(checks, l => l.Contains($"listen 127.0.0.1:{port} can be bound", StringComparison.Ordinal));
        Assert.Contains(checks, l => l.Contains("identity ", StringComparison.Ordinal) && l.Contains("mode 0600", StringComparison.Ordinal));
        Assert.Equal("preflight: 0 errors, 0 warnings; ready to start", lines[^1]);
        Assert.DoesNotContain("listening on", check.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.File("p2psecurity.sock")), "--check must not open the control socket");
    }

    [Fact]
    public async Task Check_IdentityReadableByOthers_ErrWithTheFixAndExitsOne()
    {
        WriteGoodSetUp(FreePort());
        File.SetUnixFileMode(_folder.File("node_identity.pem"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var check = ServerProcess.Start(_folder.Path, "--check", "--env-file", _folder.EnvPath);
        var exit = await check.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        var identity = Assert.Single(check.Output.Split('\n'), l => l.Contains("identity ", StringComparison.Ordinal));
        Assert.StartsWith("[ERR] identity ", identity, StringComparison.Ordinal);
        Assert.Contains("has mode 0644: group or others can read the private key", identity, StringComparison.Ordinal);
        Assert.EndsWith($"(chmod 600 {_folder.File("node_identity.pem")})", identity, StringComparison.Ordinal);
        Assert.Contains("preflight: 1 error, 0 warnings; the server would not start safely", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_PortTakenByAnotherProcess_ErrAndExitsOneAndJsonSaysSo()
    {
        using var occupier = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupier.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupier.Listen();
        var port = ((IPEndPoint)occupier.LocalEndPoint!).Port;
        WriteGoodSetUp(port);

        await using var check = ServerProcess.Start(_folder.Path, "--check", "--json", "--env-file", _folder.EnvPath);
        var exit = await check.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(check.Output);
        var root = json.RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal(1, root.GetProperty("errors").GetInt32());
        var listen = root.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "listen");
        Assert.Equal("err", listen.GetProperty("status").GetString());
        Assert.Equal($"listen 127.0.0.1:{port} is in use by another process", listen.GetProperty("message").GetString());
        Assert.Contains($"ss -ltnp 'sport = :{port}'", listen.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_InvalidPolicy_SameErrorsAsCheckAndExitsOne()
    {
        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=lots\nBLOCKED_IP_ADDRESSES=10.0.0.0/33\n");

        await using var check = ServerProcess.Start(_folder.Path, "--check", "--env-file", _folder.EnvPath);

        Assert.Equal(1, await check.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"[ERR] policy {_folder.EnvPath} is invalid: 2 errors", check.Output, StringComparison.Ordinal);
        Assert.Contains("[ERR] BLOCKED_IP_ADDRESSES line 2: '10.0.0.0/33' is not a valid CIDR (IPv4 prefix is 0-32)", check.Output, StringComparison.Ordinal);
    }

    /// <summary>A folder the server would start on: policy, identity (0600), log and socket beside them, all owner-only.</summary>
    private void WriteGoodSetUp(int port)
    {
        _folder.WriteEnv($"LISTEN_ADDRESS=127.0.0.1\nDEFAULT_P2P_PORT={port}\n");
        File.SetUnixFileMode(_folder.EnvPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        NodeIdentity.CreateFile(_folder.File("node_identity.pem")).Dispose();
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public void Dispose() => _folder.Dispose();
}
