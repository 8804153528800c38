using System.Globalization;

namespace P2PSecurity.Core.Policy;

/// <summary>Durations (<c>10</c>, <c>10s</c>, <c>500ms</c>, <c>2min</c>, <c>1h</c>, <c>1d</c>) and sizes (<c>1048576</c>, <c>512KiB</c>, <c>1MiB</c>).</summary>
internal static class Units
{
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var (number, unit) = Split(text);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }
        double? seconds = unit switch
        {
            "" or "s" or "sec" => n,
            "ms" => n / 1000,
            "m" or "min" => n * 60,
            "h" => n * 3600,
            "d" => n * 86400,
            _ => null,
        };
        if (seconds is null)
        {
            return false;
        }
        duration = TimeSpan.FromSeconds(seconds.Value);
        return true;
    }

    public static bool TryParseSize(string text, out long size)
    {
        size = 0;
        var (number, unit) = Split(text);
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > int.MaxValue)
        {
            return false;
        }
        long? multiplier = unit switch
        {
            "" or "b" => 1,
            "k" or "kb" or "kib" => 1024,
            "m" or "mb" or "mib" => 1024 * 1024,
            _ => null,
        };
        if (multiplier is null)
        {
            return false;
        }
        size = n * multiplier.Value;
        return true;
    }

    private static (string Number, string Unit) Split(string text)
    {
        var s = text.Trim();
        var i = 0;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
        {
            i++;
        }
        return (s[..i], s[i..].Trim().ToLowerInvariant());
    }
}
