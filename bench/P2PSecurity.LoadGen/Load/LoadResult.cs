namespace P2PSecurity.LoadGen.Load;

/// <summary>
/// One round of load: operations completed inside the measured window and over the whole round (warm-up
/// included, for the counter checks), failures with the first one's message, the window's length, and the
/// server's CPU time over the window.
/// </summary>
internal sealed record LoadResult(long Completed, long TotalCompleted, long Failed, string? FirstError, TimeSpan Elapsed, TimeSpan ServerCpu)
{
    public double Rate => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;

    /// <summary>Server CPU microseconds per operation (meaningful when the server has a process of its own).</summary>
    public double ServerCpuMicrosPerOp => Completed > 0 ? ServerCpu.TotalMicroseconds / Completed : 0;
}
