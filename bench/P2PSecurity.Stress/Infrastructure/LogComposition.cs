using System.Globalization;
using System.Text.RegularExpressions;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>Security-log lines counted by event name (the first word of each message), largest first.</summary>
public static partial class LogComposition
{
    public static string Describe(IEnumerable<string> lines) => string.Join(", ", lines
        .Select(l => EventName().Match(l))
        .Where(m => m.Success)
        .GroupBy(m => m.Groups[1].Value)
        .OrderByDescending(g => g.Count())
        .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count():N0}")));

    // "2026-01-01T00:00:00.000+00:00 WRN P2PSecurity.Security connection_refused remote=..."
    [GeneratedRegex(@"^\S+ [A-Z]{3} \S+ ([a-z_]+)")]
    private static partial Regex EventName();
}
