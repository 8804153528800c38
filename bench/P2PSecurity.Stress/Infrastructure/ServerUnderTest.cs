using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using P2PSecurity.Core.Policy;
using P2PSecurity.TestSupport;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>
/// The real server program as a separate process (<c>dotnet p2psecurity-server.dll --env-file X --port 0</c>), so
/// that its memory and descriptors are its own and the harness's clients do not share its thread pool.
/// </summary>
public sealed class ServerUnderTest : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerUnderTest(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public int Port { get; private set; }

    /// <summary>The server's node key, from its "listening on" line.</summary>
    public NodeKey NodeKey { get; private set; }

    /// <summary>The server as IPv4 clients reach it (the dual-stack listener).</summary>
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public ServerOutput Output { get; } = new();

    public bool HasExited => _exited.Task.IsCompleted;

    public string Errors { get; private set; } = "";

    /// <summary>
    /// Starts the server on <paramref name="folder"/>'s .env and waits until it listens. The program is
    /// <paramref name="serverDll"/>, or p2psecurity-server.dll next to this harness; <paramref name="extraArguments"/>
    /// go after the harness's own (e.g. <c>--metrics 127.0.0.1:0</c>).
    /// </summary>
    public static async Task<ServerUnderTest> StartAsync(TempFolder folder, string? serverDll = null, IReadOnlyList<string>? extraArguments = null)
    {
        var dll = serverDll ?? Path.Combine(AppContext.BaseDirectory, "p2psecurity-server.dll");
        if (!File.Exists(dll))
        {
            throw new HarnessException($"server program not found: {dll} (build the solution, or pass --server PATH)");
        }
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--env-file", folder.EnvPath, "--port", "0", "--dashboard", "off" }.Concat(extraArguments ?? []))
        {
            info.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerUnderTest(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                server.Output.Add(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                server.Errors += e.Data + "\n";
            }
        };
        process.Exited += (_, _) => server._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var match = await server.Output.WaitForLineAsync(@"listening on \S+:(\d+) node_key=([0-9a-f]{64}) mode=", TimeSpan.FromSeconds(60), server._exited.Task);
            server.Port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            server.NodeKey = NodeKey.Parse(match.Groups[2].Value);
        }
        catch (HarnessException ex)
        {
            await server.DisposeAsync();
            throw new HarnessException(ex.Message + "\nstderr:\n" + server.Errors);
        }
        return server;
    }

    public ProcessStats Stats() => ProcessStats.Read(Pid);

    /// <summary>Waits for a console line matching <paramref name="pattern"/>; throws <see cref="HarnessException"/> after the timeout.</summary>
    public Task<System.Text.RegularExpressions.Match> WaitForOutputAsync(string pattern, TimeSpan timeout) =>
        Output.WaitForLineAsync(pattern, timeout, _exited.Task);

    /// <summary>Asks the server to stop (SIGTERM: goodbyes, log flushed) and waits; kills it past the bound. Returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan bound)
    {
        if (!HasExited)
        {
            _ = Kill(Pid, SigTerm);
        }
        if (await Task.WhenAny(_exited.Task, Task.Delay(bound)) != _exited.Task)
        {
            _process.Kill(entireProcessTree: true);
            await _exited.Task;
            return -1;
        }
        // Exited raises before the output is drained; wait for the rest of it.
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _exited.Task;
        }
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
