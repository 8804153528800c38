using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Lockdown;

/// <summary>
/// <c>--for</c> values: the policy file's durations (<c>90</c>, <c>90s</c>, <c>30min</c>) and, since a lockdown is
/// often planned in hours, <c>2h</c> and <c>1d</c>.
/// </summary>
public static class LockdownDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        var trimmed = text.Trim();
        double? multiplier = trimmed.EndsWith('h') ? 3600 : trimmed.EndsWith('d') ? 86400 : null;
        if (multiplier is { } m)
        {
            // "2h" is "2" seconds times 3600; Units reads the number.
            if (Units.TryParseDuration(trimmed[..^1], out var seconds) && trimmed.Length > 1 && char.IsDigit(trimmed[^2]))
            {
                duration = seconds * m;
                return duration > TimeSpan.Zero;
            }
            duration = default;
            return false;
        }
        return Units.TryParseDuration(trimmed, out duration) && duration > TimeSpan.Zero;
    }
}
