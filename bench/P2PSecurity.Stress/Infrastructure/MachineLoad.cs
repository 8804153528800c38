using System.Globalization;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>
/// The machine's 1-minute load average and core count, reported with every run: the figures of a harness that
/// shares its cores with other work say little without them.
/// </summary>
public static class MachineLoad
{
    public static string Describe()
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        return string.Create(CultureInfo.InvariantCulture, $"load average {load} on {Environment.ProcessorCount} cores");
    }

    public static double OneMinute() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : double.NaN;
}
