using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace P2PSecurity.LoadGen.Arms;

/// <summary>
/// An arm whose server runs in a child process of its own (<c>p2psecurity-loadgen serve</c>), so that neither the
/// load's CPU time nor its memory is counted as the server's. The child answers <c>stats</c> requests on its
/// stdin/stdout, one line each.
/// </summary>
internal sealed class ChildProcessArm : IArm
{
    private static readonly TimeSpan s_startBound = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly SemaphoreSlim _exchange = new(1, 1);

    private ChildProcessArm(ArmSpec spec, Process process, IPEndPoint endPoint)
    {
        Spec = spec;
        _process = process;
        EndPoint = endPoint;
    }

    public ArmSpec Spec { get; }

    public IPEndPoint EndPoint { get; }

    public bool Isolated => true;

    public static async Task<ChildProcessArm> StartAsync(ArmSpec spec, CancellationToken ct)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { typeof(ChildProcessArm).Assembly.Location, "serve", "--kind", spec.KindOption, "--folder", spec.Folder })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}");
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(s_startBound);
            var line = await process.StandardOutput.ReadLineAsync(bound.Token).ConfigureAwait(false);
            if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal) ||
                !int.TryParse(line.AsSpan("listening ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
                string stderr;
                lock (errors)
                {
                    stderr = errors.ToString();
                }
                throw new InvalidOperationException($"the {spec.Name} server process did not start: '{line}'\n{stderr}");
            }
            return new ChildProcessArm(spec, process, new IPEndPoint(IPAddress.Loopback, port));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async Task<ArmStats> StatsAsync(bool collect, CancellationToken ct)
    {
        await _exchange.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _process.StandardInput.WriteLineAsync(collect ? "stats gc" : "stats").ConfigureAwait(false);
            await _process.StandardInput.FlushAsync(ct).ConfigureAwait(false);
            var line = await _process.StandardOutput.ReadLineAsync(ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"the {Spec.Name} server process (pid {_process.Id}) has exited");
            return ArmStats.Parse(line);
        }
        finally
        {
            _exchange.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("quit").ConfigureAwait(false);
            await _process.StandardInput.FlushAsync().ConfigureAwait(false);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or InvalidOperationException)
        {
            // The child is stuck or already gone: make sure it is gone.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
        _exchange.Dispose();
    }

    /// <summary>The <c>dotnet</c> host running this process, or the one <c>dotnet test</c> names, or the one on PATH.</summary>
    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
