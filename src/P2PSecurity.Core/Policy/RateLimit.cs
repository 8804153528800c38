using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace P2PSecurity.Core.Policy;

/// <summary>A rate: at most <see cref="Count"/> events per <see cref="Period"/>. Zero means nothing is allowed.</summary>
public readonly record struct RateLimit(int Count, TimeSpan Period)
{
    /// <summary>Events per second.</summary>
    public double PerSecond => Count / Period.TotalSeconds;

    /// <summary>Written as <c>100/min</c>, <c>5/s</c> or <c>3600/h</c>.</summary>
    public override string ToString()
    {
        var unit = Period == TimeSpan.FromSeconds(1) ? "s" : Period == TimeSpan.FromHours(1) ? "h" : "min";
        return string.Create(CultureInfo.InvariantCulture, $"{Count}/{unit}");
    }

    /// <summary>Parses <c>N</c> (per minute, as the earlier system meant), <c>N/s</c>, <c>N/min</c> or <c>N/h</c>.</summary>
    public static bool TryParse(string text, out RateLimit limit, [NotNullWhen(false)] out string? error)
    {
        limit = default;
        var s = text.Trim();
        var slash = s.IndexOf('/');
        var countText = slash < 0 ? s : s[..slash].Trim();
        var unit = slash < 0 ? "min" : s[(slash + 1)..].Trim().ToLowerInvariant();
        const string Valid = "a rate is N, N/s, N/min or N/h with N a whole number 0-1000000 (a bare N means per minute)";
        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > 1_000_000)
        {
            error = Valid;
            return false;
        }
        TimeSpan period;
        switch (unit)
        {
            case "s" or "sec" or "second":
                period = TimeSpan.FromSeconds(1);
                break;
            case "m" or "min" or "minute":
                period = TimeSpan.FromMinutes(1);
                break;
            case "h" or "hour":
                period = TimeSpan.FromHours(1);
                break;
            default:
                error = Valid;
                return false;
        }
        limit = new RateLimit(count, period);
        error = null;
        return true;
    }
}
