using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using P2PSecurity.Core.Control;

namespace P2PSecurity.Stress.Fleet;

/// <summary>One server process of the fleet harness, in its own folder, with its listening port and control socket.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class FleetNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FleetNode(string folder, Process process)
    {
        Folder = folder;
        _process = process;
    }

    public string Folder { get; }

    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public ControlClient Control => new(Path.Combine(Folder, "p2psecurity.sock"), TimeSpan.FromSeconds(15));

    public string SecurityLog => Path.Combine(Folder, "security.log");

    public static async Task<FleetNode> StartAsync(string serverDll, string folder, string env)
    {
        Directory.CreateDirectory(folder);
        var envPath = Path.Combine(folder, ".env");
        await File.WriteAllTextAsync(envPath, env);
        File.SetUnixFileMode(envPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { serverDll, "--env-file", envPath, "--port", "0", "--dashboard", "off" })
        {
            info.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new FleetNode(folder, process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Listening().Match(line) is { Success: true } m)
            {
                node._port.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.Exited += (_, _) => node._port.TrySetException(new InvalidOperationException("a fleet node exited at start"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var port = await node._port.Task.WaitAsync(TimeSpan.FromSeconds(120));
        node.EndPoint = new IPEndPoint(IPAddress.Loopback, port);
        while (!File.Exists(Path.Combine(folder, "p2psecurity.sock")))
        {
            await Task.Delay(20);
        }
        return node;
    }

    /// <summary>The node's fleet state (control request <c>fleet</c>).</summary>
    public async Task<FleetInfo?> FleetAsync(CancellationToken ct)
    {
        var result = await Control.SendAsync(new ControlRequest { Type = ControlProtocol.Requests.Fleet }, ct);
        return result.Response?.Fleet;
    }

    /// <summary>
    /// True when a plain connection from <paramref name="local"/> is closed by the node at accept (no byte, within
    /// <paramref name="wait"/>); false when it is still open then (admitted: it waits for TLS).
    /// </summary>
    public async Task<bool> RefusesAsync(string local, TimeSpan wait)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(local), 0));
        await socket.ConnectAsync(EndPoint);
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return await socket.ReceiveAsync(new byte[16], SocketFlags.None, cts.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on \S+:(\d+) node_key=")]
    private static partial Regex Listening();
}
