using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace P2PSecurity.TestSupport;

/// <summary>
/// The real server program (<c>p2psecurity-server.dll</c>, built beside the tests) as a child process, with its
/// console output and signals. <see cref="Start(string, string[])"/> only launches it (for tests of how it starts or
/// fails); <see cref="StartAsync(string, string?)"/> also waits until it listens on a free loopback port and its
/// control socket is there, which is what the tools reach in production. The dashboard is off unless asked for.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const int SigHup = 1;
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private static readonly TimeSpan LineLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ControlSocketLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly List<string> _lines = [];
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _waiters = [];
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Standard output so far, one line per line.</summary>
    public string Output => string.Join('\n', _stdout);

    /// <summary>Standard error so far (start-up failures and usage go there).</summary>
    public string Errors => string.Concat(_stderr.Select(line => line + "\n"));

    public bool HasExited => _process.HasExited;

    /// <summary>The node listener as IPv4 clients reach it, once <see cref="WaitForListeningAsync"/> has seen it.</summary>
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>Starts <c>dotnet p2psecurity-server.dll ARGS</c> in <paramref name="workingDirectory"/>.</summary>
    public static ServerProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string?>(), args);

    /// <summary>As above, with environment variables set (a value of null removes the variable).</summary>
    public static ServerProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = NewStartInfo(DotnetHost, workingDirectory);
        info.ArgumentList.Add(ServerDll);
        AddServerArguments(info, args);
        // A test that does not choose these must not inherit them from whoever runs the tests.
        info.Environment.Remove("CREDENTIALS_DIRECTORY");
        info.Environment.Remove("P2PSECURITY_PROFILE");
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        return Launch(info);
    }

    /// <summary>
    /// Starts the server as systemd starts a Type=notify service: NOTIFY_SOCKET names the datagram socket to send
    /// READY=1 to, and SYSTEMD_EXEC_PID is the service's own pid (a shell sets it to its pid and then execs the
    /// server, which keeps the pid).
    /// </summary>
    public static ServerProcess StartAsSystemdService(string workingDirectory, string notifySocket, params string[] args)
    {
        var info = NewStartInfo("/bin/sh", workingDirectory);
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("SYSTEMD_EXEC_PID=$$; export SYSTEMD_EXEC_PID; exec \"$@\"");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(DotnetHost);
        info.ArgumentList.Add(ServerDll);
        AddServerArguments(info, args);
        info.Environment["NOTIFY_SOCKET"] = notifySocket;
        return Launch(info);
    }

    /// <summary>
    /// Starts the server on <paramref name="envPath"/> (working directory: its folder) and waits until it listens and
    /// its control socket is there.
    /// </summary>
    /// <param name="envPath">The policy file.</param>
    /// <param name="port">The <c>--port</c> (default 0, a free port); null uses the file's DEFAULT_P2P_PORT.</param>
    public static Task<ServerProcess> StartAsync(string envPath, string? port = "0") =>
        StartAsync(Path.GetDirectoryName(envPath)!, envPath, port is null ? ["--env-file", envPath] : ["--env-file", envPath, "--port", port]);

    /// <summary>
    /// Starts the server in <paramref name="folder"/> with <paramref name="args"/> (e.g. <c>--profile prod</c>) and waits
    /// until it listens; <paramref name="envPath"/> is the file those arguments choose, beside which the control
    /// socket appears.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string folder, string envPath, string[] args)
    {
        var server = Start(folder, args);
        try
        {
            // Control socket first, then the listener line; both are printed before the server serves.
            await server.WaitForListeningAsync();
            await WaitForControlSocketAsync(envPath, server);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits for an output line (standard output or error) matching <paramref name="pattern"/>, already printed or
    /// still to come; fails after <paramref name="timeout"/> (default 60 s) or as soon as the output ends.
    /// </summary>
    public async Task<Match> WaitForLineAsync(string pattern, TimeSpan? timeout = null)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var found = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
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
        var limit = timeout ?? LineLimit;
        var winner = await Task.WhenAny(found.Task, _stdoutClosed.Task, Task.Delay(limit));
        if (winner != found.Task)
        {
            throw new TimeoutException($"no line matching /{pattern}/ within {limit.TotalSeconds:0} s (exited: {HasExited}).\nstdout:\n{Output}\nstderr:\n{Errors}");
        }
        return await found.Task;
    }

    /// <summary>The port from the "listening on" line; also sets <see cref="EndPoint"/>.</summary>
    public async Task<int> WaitForListeningAsync()
    {
        var match = await WaitForLineAsync(@"listening on \S+:(\d+) node_key=([0-9a-f]{64}) mode=");
        var port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
        return port;
    }

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the process to end; fails if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the server did not exit within {timeout.TotalSeconds:0.#} s.\nstdout:\n{Output}\nstderr:\n{Errors}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL (a crash: nothing is flushed or closed by the server), and waits for the exit.</summary>
    public async Task KillAsync()
    {
        Signal(SigKill);
        await WaitForExitAsync(StopLimit);
    }

    /// <summary>SIGTERM, and waits for the exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        Signal(SigTerm);
        await WaitForExitAsync(StopLimit);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        _process.Dispose();
    }

    private static string ServerDll => Path.Combine(AppContext.BaseDirectory, "p2psecurity-server.dll");

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static ProcessStartInfo NewStartInfo(string program, string workingDirectory) => new(program)
    {
        WorkingDirectory = workingDirectory,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };

    private static void AddServerArguments(ProcessStartInfo info, string[] args)
    {
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        if (!args.Contains("--dashboard"))
        {
            // The dashboard is on by default at a fixed port; test servers run side by side, so each opts in.
            info.ArgumentList.Add("--dashboard");
            info.ArgumentList.Add("off");
        }
    }

    private static ServerProcess Launch(ProcessStartInfo info)
    {
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.OnLine(server._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(server._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private static async Task WaitForControlSocketAsync(string envPath, ServerProcess server)
    {
        var socket = Path.Combine(Path.GetDirectoryName(envPath)!, "p2psecurity.sock");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            if (clock.Elapsed > ControlSocketLimit)
            {
                throw new TimeoutException($"no control socket at {socket} within {ControlSocketLimit.TotalSeconds:0} s.\nstdout:\n{server.Output}\nstderr:\n{server.Errors}");
            }
            await Task.Delay(20);
        }
    }

    private void OnLine(ConcurrentQueue<string> stream, string? line)
    {
        if (line is null)
        {
            if (stream == _stdout)
            {
                _stdoutClosed.TrySetResult();
            }
            return;
        }
        lock (_lock)
        {
            stream.Enqueue(line);
            _lines.Add(line);
            foreach (var (pattern, found) in _waiters.ToArray())
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    found.TrySetResult(match);
                    _waiters.Remove((pattern, found));
                }
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
