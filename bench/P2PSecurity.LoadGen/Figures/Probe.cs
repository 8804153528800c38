using System.Diagnostics;
using P2PSecurity.LoadGen.Arms;
using P2PSecurity.LoadGen.Load;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>Readings of an arm's process for a round.</summary>
internal static class Probe
{
    /// <summary>The arm's process CPU clock.</summary>
    public static Func<CancellationToken, Task<TimeSpan>> Cpu(IArm arm) =>
        async ct => (await arm.StatsAsync(false, ct).ConfigureAwait(false)).CpuTime;

    /// <summary>Server CPU per operation, when the server has a process of its own (else its CPU includes the load's).</summary>
    public static double? CpuPerOp(IArm arm, LoadResult result) => arm.Isolated ? result.ServerCpuMicrosPerOp : null;

    /// <summary>Bytes the server allocated per operation over the round (warm-up included), when it has a process of its own.</summary>
    public static double? AllocatedPerOp(IArm arm, ArmStats before, ArmStats after, LoadResult result) =>
        arm.Isolated && result.TotalCompleted > 0 ? (after.Allocated - before.Allocated) / (double)result.TotalCompleted : null;

    /// <summary>
    /// Waits until the server reports <paramref name="sessions"/> open sessions. Closing is asynchronous and no
    /// event crosses the process boundary, so this polls at short intervals up to a deadline.
    /// </summary>
    public static async Task<ArmStats> WaitForSessionsAsync(IArm arm, long sessions, TimeSpan bound, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var stats = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            if (stats.Counters.Sessions == sessions || clock.Elapsed > bound)
            {
                return stats;
            }
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }
}
