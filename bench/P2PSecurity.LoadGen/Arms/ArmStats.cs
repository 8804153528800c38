using System.Diagnostics;
using System.Globalization;

namespace P2PSecurity.LoadGen.Arms;

/// <summary>
/// A server's counters and the resources of the process it runs in. Crosses the pipe to a <c>serve</c> child as
/// one line of <c>key=value</c> pairs.
/// </summary>
internal sealed record ArmStats(ArmCounters Counters, TimeSpan CpuTime, long WorkingSet, long ManagedHeap, long JitMethods, TimeSpan JitTime, long Allocated)
{
    /// <summary>
    /// Measures this process now. With <paramref name="collect"/>, after full blocking compacting collections, so
    /// that the managed heap is what is alive and not what the collector has not got to yet.
    /// </summary>
    public static ArmStats Measure(ArmCounters counters, bool collect)
    {
        if (collect)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        using var self = Process.GetCurrentProcess();
        return new ArmStats(counters, self.TotalProcessorTime, self.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false),
            System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime(), GC.GetTotalAllocatedBytes(precise: false));
    }

    public string ToLine() => string.Create(CultureInfo.InvariantCulture,
        $"stats closed={Counters.ClosedAtAccept} refusals={Counters.Refusals} welcomed={Counters.Welcomed} sessions={Counters.Sessions} cpu_us={CpuTime.Ticks / 10} ws={WorkingSet} heap={ManagedHeap} jit_methods={JitMethods} jit_us={JitTime.Ticks / 10} alloc={Allocated}");

    /// <summary>Reads a line written by <see cref="ToLine"/>; a line that is not one is an error naming it.</summary>
    public static ArmStats Parse(string line)
    {
        var fields = new Dictionary<string, long>(StringComparer.Ordinal);
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] != "stats")
        {
            throw new FormatException($"expected a stats line from the server process, got '{line}'");
        }
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !long.TryParse(part.AsSpan(eq + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"bad field '{part}' in stats line '{line}'");
            }
            fields[part[..eq]] = value;
        }
        long Field(string name) => fields.TryGetValue(name, out var v) ? v : throw new FormatException($"stats line '{line}' lacks {name}");
        return new ArmStats(
            new ArmCounters(Field("closed"), Field("refusals"), Field("welcomed"), Field("sessions")),
            TimeSpan.FromTicks(Field("cpu_us") * 10), Field("ws"), Field("heap"), Field("jit_methods"), TimeSpan.FromTicks(Field("jit_us") * 10), Field("alloc"));
    }
}
