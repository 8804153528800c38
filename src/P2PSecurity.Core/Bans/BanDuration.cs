using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace P2PSecurity.Core.Bans;

/// <summary>Ban lengths: <c>90s</c>, <c>15m</c>/<c>15min</c>, <c>1h</c>, <c>2d</c>, <c>1w</c>, a bare number of seconds, or <c>forever</c>.</summary>
public static class BanDuration
{
    public const string ForeverText = "forever";

    /// <summary>Parses a length; <paramref name="duration"/> is null for <c>forever</c>. At least one second.</summary>
    public static bool TryParse(string? text, out TimeSpan? duration, [NotNullWhen(false)] out string? error)
    {
        duration = null;
        var s = (text ?? string.Empty).Trim().ToLowerInvariant();
        if (s == ForeverText)
        {
            error = null;
            return true;
        }
        var end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
        {
            end++;
        }
        double? unitSeconds = s[end..].Trim() switch
        {
            "" or "s" or "sec" => 1,
            "m" or "min" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 604_800,
            _ => null,
        };
        if (end == 0 || unitSeconds is null || !double.TryParse(s[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            error = $"'{Logging.LogText.Escape(text)}' is not a ban length (e.g. 90s, 15m, 1h, 2d, 1w, or forever)";
            return false;
        }
        var seconds = n * unitSeconds.Value;
        if (seconds < 1 || seconds > 100 * 365.25 * 86_400)
        {
            error = $"'{Logging.LogText.Escape(text)}' is not a ban length from 1s to 100 years (or forever)";
            return false;
        }
        duration = TimeSpan.FromSeconds(seconds);
        error = null;
        return true;
    }

    /// <summary>A length in the largest whole unit: <c>1h</c>, <c>90s</c>, <c>2d</c>; <c>forever</c> for null.</summary>
    public static string Format(TimeSpan? duration)
    {
        if (duration is not { } d)
        {
            return ForeverText;
        }
        var s = (long)Math.Round(d.TotalSeconds);
        return s switch
        {
            _ when s % 604_800 == 0 && s > 0 => string.Create(CultureInfo.InvariantCulture, $"{s / 604_800}w"),
            _ when s % 86_400 == 0 && s > 0 => string.Create(CultureInfo.InvariantCulture, $"{s / 86_400}d"),
            _ when s % 3600 == 0 && s > 0 => string.Create(CultureInfo.InvariantCulture, $"{s / 3600}h"),
            _ when s % 60 == 0 && s > 0 => string.Create(CultureInfo.InvariantCulture, $"{s / 60}m"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{s}s"),
        };
    }
}
