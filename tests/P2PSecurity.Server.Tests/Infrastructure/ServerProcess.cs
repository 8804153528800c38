using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace P2PSecurity.Server.Tests.Infrastructure;

/// <summary>The real server program (<c>p2psecurity-server</c>) as a child process, with its console output and signals.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const int SigHup = 1;
    public const int SigInt = 2;
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _waiters = [];
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Output => string.Join('\n', _lines);

    public string Errors { get; private set; } = "";

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet p2psecurity-server.dll ARGS</c> in <paramref name="workingDirectory"/>.</summary>
    public static ServerProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string?>(), args);

    /// <summary>As above, with environment variables set (a value of null removes the variable).</summary>
    public static ServerProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "p2psecurity-server.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // A test that does not choose these must not inherit them from whoever runs the tests.
        info.Environment.Remove("CREDENTIALS_DIRECTORY");
        info.Environment.Remove("P2PSECURITY_PROFILE");
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        if (!args.Contains("--dashboard"))
        {
            // The dashboard is on by default at a fixed port; test servers run side by side, so each opts in.
            info.ArgumentList.Add("--dashboard");
            info.ArgumentList.Add("off");
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
        var info = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("SYSTEMD_EXEC_PID=$$; export SYSTEMD_EXEC_PID; exec \"$@\"");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "p2psecurity-server.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        if (!args.Contains("--dashboard"))
        {
            info.ArgumentList.Add("--dashboard");
            info.ArgumentList.Add("off");
        }
        info.Environment["NOTIFY_SOCKET"] = notifySocket;
        return Launch(info);
    }

    private static ServerProcess Launch(ProcessStartInfo info)
    {
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                server.Errors += e.Data + "\n";
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits for a console line matching <paramref name="pattern"/> (already printed or still to come).</summary>
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
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var winner = await Task.WhenAny(found.Task, _stdoutClosed.Task, Task.Delay(limit, TestContext.Current.CancellationToken));
        if (winner != found.Task)
        {
            Assert.Fail($"no line matching /{pattern}/ within {limit.TotalSeconds:0} s (exited: {HasExited}).\nstdout:\n{Output}\nstderr:\n{Errors}");
        }
        return await found.Task;
    }

    /// <summary>The port from the "listening on" line.</summary>
    public async Task<int> WaitForListeningAsync()
    {
        var match = await WaitForLineAsync(@"listening on \S+:(\d+) node_key=([0-9a-f]{64}) mode=");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Signal(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    /// <summary>Waits for the process to end; fails the test if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"the server did not exit within {timeout.TotalSeconds:0.#} s.\nstdout:\n{Output}");
        }
        return _process.ExitCode;
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

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _stdoutClosed.TrySetResult();
            return;
        }
        lock (_lock)
        {
            _lines.Enqueue(line);
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
