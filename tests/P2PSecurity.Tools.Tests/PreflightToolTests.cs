using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using P2PSecurity.Core.Identity;

namespace P2PSecurity.Tools.Tests;

/// <summary><c>reload_security preflight</c> as a real process, before a start and against the running server.</summary>
[SupportedOSPlatform("linux")]
public sealed class PreflightToolTests
{
    [Fact]
    public async Task Preflight_ServerRunning_ItsPortAndSocketAreHeldByItAndAllOk()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        using var folder = new TempFolder($"LISTEN_ADDRESS=127.0.0.1\nDEFAULT_P2P_PORT={port}\nDASHBOARD_ADDRESS=off\n");
        File.SetUnixFileMode(folder.EnvPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        NodeIdentity.CreateFile(folder.File("node_identity.pem")).Dispose();
        var before = await ToolProcess.RunAsync("reload_security", folder.Path, "preflight");
        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Contains($"[OK] listen 127.0.0.1:{port} can be bound", before.Out, StringComparison.Ordinal);

        await using var server = await ServerProcess.StartAsync(folder.EnvPath, port: null);
        var during = await ToolProcess.RunAsync("reload_security", folder.Path, "preflight", "--json");

        Assert.True(during.ExitCode == 0, during.ToString());
        using var json = JsonDocument.Parse(during.Out);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("check").GetString()!, c => c);
        Assert.All(checks.Values, c => Assert.Equal("ok", c.GetProperty("status").GetString()));
        Assert.StartsWith($"listen 127.0.0.1:{port} is held by this server (pid ", checks["listen"].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("this server (pid ", checks["control_socket"].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_IdentityReadableByOthers_ExitsOne()
    {
        using var folder = new TempFolder("LISTEN_ADDRESS=127.0.0.1\n");
        var identity = folder.File("node_identity.pem");
        NodeIdentity.CreateFile(identity).Dispose();
        File.SetUnixFileMode(identity, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = await ToolProcess.RunAsync("reload_security", folder.Path, "preflight");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"[ERR] identity {identity} has mode 0644: group or others can read the private key (chmod 600 {identity})", result.Out, StringComparison.Ordinal);
    }
}
