using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// The control socket is the server's owner's only: another local user can neither reload the server nor read its
/// status. The folder is opened to everyone here, so that only the socket's own mode (0600) stands in the way.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ControlSocketPermissionTests
{
    private const int Nobody = 65534;

    [Fact]
    public async Task ControlSocket_AnotherUser_IsRefusedWhileTheOwnerIsServed()
    {
        await using var server = await LiveServer.StartAsync("MAX_CONNECTIONS_PER_IP=3\n");
        File.SetUnixFileMode(server.Folder.Path, (UnixFileMode)0b111_101_101); // 0755: the folder does not protect the socket
        File.SetUnixFileMode(server.EnvPath, (UnixFileMode)0b110_100_100);     // 0644: the other user may read the policy
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.Folder.SocketPath));

        var owner = await ToolProcess.RunAsync("reload_security", server.Folder.Path, "status");
        Assert.True(owner.ExitCode == 0, owner.ToString());

        if (GetEuid() != 0)
        {
            // Without root this test cannot become another user; the mode check above is what it can prove.
            return;
        }
        var (code, output) = await RunAsNobodyAsync(server.Folder.Path, "reload_security", "reload");
        Assert.True(code == 2, $"exit {code}: {output}");
        Assert.Contains("permission denied", output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, server.Manager.Policy.Revision);
    }

    [Fact]
    public async Task ControlSocket_LoosenedTo0666_AnotherUserIsRefusedByItsCredentialsAndLogged()
    {
        await using var server = await LiveServer.StartAsync("MAX_CONNECTIONS_PER_IP=3\n");
        LoosenEverything(server.Folder);
        File.WriteAllText(server.EnvPath, "MAX_CONNECTIONS_PER_IP=4\n"); // a served reload would put this in force

        if (GetEuid() != 0)
        {
            // Without root this test cannot become another user; PeerCredentialsTests cover the check itself.
            return;
        }
        var reload = await RunAsNobodyAsync(server.Folder.Path, "reload_security", "reload");
        var status = await RunAsNobodyAsync(server.Folder.Path, "reload_security", "status");

        Assert.True(reload.Code == 2, $"exit {reload.Code}: {reload.Output}");
        Assert.Contains("server not reachable: permission denied: the control channel serves only the user running the server (uid 0) and root; " +
                        $"this connection is from uid {Nobody}", reload.Output, StringComparison.Ordinal);
        Assert.True(status.Code == 2, $"exit {status.Code}: {status.Output}");
        Assert.DoesNotContain("revision", status.Output, StringComparison.Ordinal);
        Assert.Equal((1, 3), (server.Manager.Policy.Revision, server.Manager.Policy.MaxConnectionsPerIp));

        var owner = await ToolProcess.RunAsync("reload_security", server.Folder.Path, "reload");
        Assert.True(owner.ExitCode == 0, owner.ToString());
        Assert.Equal(4, server.Manager.Policy.MaxConnectionsPerIp);
    }

    [Fact]
    public async Task ControlSocket_LoosenedTo0666_RealServerLogsTheRefusedPeer()
    {
        using var folder = new TempFolder("MAX_CONNECTIONS_PER_IP=3\n");
        await using var server = await ServerProcess.StartAsync(folder.EnvPath);
        LoosenEverything(folder);
        if (GetEuid() != 0)
        {
            return; // as above: becoming another user needs root
        }

        var pending = await RunAsNobodyAsync(folder.Path, "manage_trusted_nodes", "pending");

        Assert.True(pending.Code == 2, $"exit {pending.Code}: {pending.Output}");
        await WaitForAsync(() => server.Output.Contains($"control_peer_refused uid={Nobody} gid={Nobody}", StringComparison.Ordinal), server);
        Assert.Contains("only the server's own user (uid 0) and root are served", server.Output, StringComparison.Ordinal);
        var owner = await ToolProcess.RunAsync("manage_trusted_nodes", folder.Path, "pending");
        Assert.True(owner.ExitCode == 0, owner.ToString());
    }

    /// <summary>What a mistaken chmod leaves: the socket 0666, its folder 0755, the policy 0644.</summary>
    private static void LoosenEverything(TempFolder folder)
    {
        File.SetUnixFileMode(folder.Path, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(folder.EnvPath, (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(folder.SocketPath, (UnixFileMode)0b110_110_110);
    }

    private static async Task WaitForAsync(Func<bool> condition, ServerProcess server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.False(timeout.IsCancellationRequested, "the server did not log the refusal; its output:\n" + server.Output);
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static async Task<(int Code, string Output)> RunAsNobodyAsync(string folder, string tool, string command)
    {
        var root = typeof(ControlSocketPermissionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ToolsRoot").Value!;
        var configuration = typeof(ControlSocketPermissionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ToolsConfiguration").Value!;
        var dll = Path.Combine(root, tool, "bin", configuration, "net10.0", tool + ".dll");
        var start = new ProcessStartInfo("setpriv")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--",
                     Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", dll, command, "--env-file", Path.Combine(folder, ".env") })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["HOME"] = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();
}
