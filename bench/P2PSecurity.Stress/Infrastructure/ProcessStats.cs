using System.Globalization;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>
/// One reading of a process's own figures from <c>/proc/PID</c>: resident memory now (VmRSS), its high-water mark
/// since start (VmHWM, the kernel's own peak, so nothing between two samples is missed) and open descriptors.
/// </summary>
public readonly record struct ProcessStats(long RssBytes, long PeakRssBytes, int OpenFiles, TimeSpan Cpu)
{
    public static ProcessStats Read(int pid)
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line);
            }
        }
        var fds = Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        return new ProcessStats(rss * 1024, hwm * 1024, fds, CpuTime(pid));
    }

    /// <summary>Mebibytes, for reports.</summary>
    public static double Mib(long bytes) => bytes / (1024.0 * 1024.0);

    /// <summary>User plus system CPU time (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s).</summary>
    private static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static long Kilobytes(string line)
    {
        // "VmRSS:	   81234 kB"
        var digits = line.AsSpan(line.IndexOf(':') + 1).Trim();
        var space = digits.IndexOf(' ');
        return long.Parse(space < 0 ? digits : digits[..space], NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
