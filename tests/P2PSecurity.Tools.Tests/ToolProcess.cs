using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace P2PSecurity.Tools.Tests;

/// <summary>One run of a tool as a real process (<c>dotnet tool.dll</c>), with its output line by line.</summary>
internal sealed class ToolProcess : IDisposable
{
    private static readonly string ToolsRoot = Metadata("ToolsRoot");
    private static readonly string Configuration = Metadata("ToolsConfiguration");

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _out = new();
    private readonly ConcurrentQueue<string> _err = new();
    private readonly SemaphoreSlim _lines = new(0);

    private ToolProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public string Out => string.Join('\n', _out);

    public string Err => string.Join('\n', _err);

    /// <summary>Starts <paramref name="tool"/> with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static ToolProcess Start(string tool, string workingDirectory, params string[] args)
    {
        var dll = Path.Combine(ToolsRoot, tool, "bin", Configuration, "net10.0", tool + ".dll");
        Assert.True(File.Exists(dll), $"{dll} was not built");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // The tools must not depend on the test runner's environment; keep the edit lock switch at its default.
        start.Environment.Remove("DOTNET_SYSTEM_IO_DISABLEFILELOCKING");
        start.Environment.Remove("P2PSECURITY_PROFILE");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var run = new ToolProcess(process);
        process.OutputDataReceived += (_, e) => run.OnLine(run._out, e.Data);
        process.ErrorDataReceived += (_, e) => run.OnLine(run._err, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Runs to the end (at most a minute) and returns the exit code and both outputs.</summary>
    public static async Task<ToolResult> RunAsync(string tool, string workingDirectory, params string[] args)
    {
        using var run = Start(tool, workingDirectory, args);
        var code = await run.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return new ToolResult(code, run.Out, run.Err);
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"the tool did not exit within {limit.TotalSeconds} s; output:\n{Out}\n{Err}");
        }
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Waits for a line (ever written, on stdout or stderr) that satisfies <paramref name="match"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        while (true)
        {
            if (_out.Concat(_err).FirstOrDefault(match) is { } hit)
            {
                return hit;
            }
            if (_process.HasExited)
            {
                _process.WaitForExit(); // the last lines are delivered once the streams are drained
                return _out.Concat(_err).FirstOrDefault(match)
                       ?? throw new Xunit.Sdk.XunitException($"the tool exited ({_process.ExitCode}) without the expected line; output:\n{Out}\n{Err}");
            }
            try
            {
                await _lines.WaitAsync(TimeSpan.FromMilliseconds(100), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"no expected line within {limit.TotalSeconds} s; output so far:\n{Out}\n{Err}");
            }
        }
    }

    /// <summary>Writes <paramref name="text"/> to the tool's stdin (a pipe, not a terminal) and closes it.</summary>
    public void Input(string text)
    {
        _process.StandardInput.Write(text);
        _process.StandardInput.Close();
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>SIGKILL: the process dies wherever it is, as in a crash.</summary>
    public void Crash() => _process.Kill();

    public bool HasExited => _process.HasExited;

    private void OnLine(ConcurrentQueue<string> queue, string? line)
    {
        if (line is null)
        {
            return;
        }
        queue.Enqueue(line);
        _lines.Release();
    }

    private static string Metadata(string key) =>
        typeof(ToolProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        _lines.Dispose();
    }
}
