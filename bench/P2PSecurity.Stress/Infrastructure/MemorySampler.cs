namespace P2PSecurity.Stress.Infrastructure;

/// <summary>Samples a process's resident memory and descriptors in the background: first, highest and last reading.</summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Task _loop;
    private long _peakRss;
    private int _peakFiles;

    public MemorySampler(int pid, TimeSpan interval)
    {
        _pid = pid;
        HarnessCpuAtStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        Start = ProcessStats.Read(pid);
        Last = Start;
        _peakRss = Start.PeakRssBytes;
        _peakFiles = Start.OpenFiles;
        _loop = Task.Run(() => LoopAsync(interval));
    }

    public ProcessStats Start { get; }

    /// <summary>This process's CPU time when sampling started.</summary>
    public TimeSpan HarnessCpuAtStart { get; }

    /// <summary>Wall time since sampling started (up to the stop).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public ProcessStats Last { get; private set; }

    /// <summary>The kernel's high-water mark of resident memory (VmHWM) at the last sample.</summary>
    public long PeakRssBytes => Interlocked.Read(ref _peakRss);

    public int PeakOpenFiles => Volatile.Read(ref _peakFiles);

    /// <summary>Takes one more sample now and stops sampling; returns the last reading.</summary>
    public async Task<ProcessStats> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Sample();
        _clock.Stop();
        return Last;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _loop;
        }
        _stop.Dispose();
    }

    private async Task LoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by StopAsync or DisposeAsync.
            return;
        }
    }

    private void Sample()
    {
        ProcessStats stats;
        try
        {
            stats = ProcessStats.Read(_pid);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // the process has exited; the caller sees that through the server's own state
        }
        Last = stats;
        InterlockedMax(ref _peakRss, stats.PeakRssBytes);
        var files = _peakFiles;
        while (stats.OpenFiles > files && Interlocked.CompareExchange(ref _peakFiles, stats.OpenFiles, files) != files)
        {
            files = _peakFiles;
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Interlocked.Read(ref target);
        }
    }
}
