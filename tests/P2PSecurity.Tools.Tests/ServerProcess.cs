using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// The real node server (p2psecurity-server, built beside these tests) as a separate process on a temp folder's
/// .env, listening on a free loopback port: what the tools reach through the control socket in production.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Match> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _waiters = [];
    private readonly Lock _gate = new();

    private ServerProcess(Process process) => _process = process;

    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public string Output => string.Join('\n', _lines);

    /// <param name="envPath">The policy file.</param>
    /// <param name="port">The <c>--port</c> (default 0, a free port); null uses the file's DEFAULT_P2P_PORT.</param>
    public static Task<ServerProcess> StartAsync(string envPath, string? port = "0") =>
        StartAsync(Path.GetDirectoryName(envPath)!, envPath, port is null ? ["--env-file", envPath] : ["--env-file", envPath, "--port", port]);

    /// <summary>
    /// Starts the server in <paramref name="folder"/> with <paramref name="args"/> (e.g. <c>--profile prod</c>);
    /// <paramref name="envPath"/> is the file those arguments choose, beside which the control socket appears.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string folder, string envPath, string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "p2psecurity-server.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The dashboard stays off unless the test asks for it (its default port would clash between tests).
        foreach (var arg in new[] { dll }.Concat(args).Concat(args.Contains("--dashboard") ? [] : ["--dashboard", "off"]))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("CREDENTIALS_DIRECTORY");
        start.Environment.Remove("P2PSECURITY_PROFILE");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server._listening.TrySetException(new InvalidOperationException("the server exited:\n" + server.Output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Control socket first, then the listener line; both are printed before the server serves.
        var winner = await Task.WhenAny(server._listening.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(winner == server._listening.Task, "the server did not start listening within 60 s:\n" + server.Output);
        var match = await server._listening.Task;
        server.EndPoint = new IPEndPoint(IPAddress.Loopback, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        await WaitForControlSocketAsync(envPath);
        return server;
    }

    private static async Task WaitForControlSocketAsync(string envPath)
    {
        var socket = Path.Combine(Path.GetDirectoryName(envPath)!, "p2psecurity.sock");
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "no control socket at " + socket);
            await Task.Delay(20);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            _lines.Enqueue(line);
            foreach (var (pattern, found) in _waiters.ToArray())
            {
                if (pattern.Match(line) is { Success: true } m)
                {
                    found.TrySetResult(m);
                    _waiters.Remove((pattern, found));
                }
            }
        }
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(match);
        }
    }

    /// <summary>Waits for an output line matching <paramref name="pattern"/> (already printed or still to come); fails the test after 30 s.</summary>
    public async Task<Match> WaitForLineAsync(string pattern)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var found = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (var line in _lines)
            {
                if (regex.Match(line) is { Success: true } match)
                {
                    return match;
                }
            }
            _waiters.Add((regex, found));
        }
        var winner = await Task.WhenAny(found.Task, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.True(winner == found.Task, $"no output line matching /{pattern}/ within 30 s:\n{Output}");
        return await found.Task;
    }

    /// <summary>SIGKILL (a crash: nothing is flushed or closed by the server), and waits for the exit.</summary>
    public async Task KillAsync()
    {
        Assert.Equal(0, Kill(_process.Id, 9));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>SIGTERM, and waits for the exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        Assert.Equal(0, Kill(_process.Id, 15));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
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
    private static partial Regex ListeningLine();

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
