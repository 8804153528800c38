using System.Globalization;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Bans;

/// <summary>The change lines of a reload for AUTO_BAN_* and MAX_BANS (see <see cref="PolicyDiff"/>).</summary>
internal static class AutoBanDiff
{
    public static void Compute(List<string> changes, AutoBanSettings a, AutoBanSettings b)
    {
        void Line<T>(string key, T x, T y, Func<T, string> format)
        {
            if (!EqualityComparer<T>.Default.Equals(x, y))
            {
                changes.Add($"{key}: {format(x)} -> {format(y)}");
            }
        }

        Line(PolicyKeys.MaxBans, a.MaxBans, b.MaxBans, n => n.ToString(CultureInfo.InvariantCulture));
        Line(PolicyKeys.AutoBan, a.Mode, b.Mode, m => m.ToString().ToLowerInvariant());
        Line(PolicyKeys.AutoBanThreshold, a.Threshold, b.Threshold, n => n.ToString(CultureInfo.InvariantCulture));
        Line(PolicyKeys.AutoBanWindow, a.Window, b.Window, d => BanDuration.Format(d));
        Line(PolicyKeys.AutoBanDuration, a.Duration, b.Duration, d => BanDuration.Format(d));
        Line(PolicyKeys.AutoBanFactor, a.Factor, b.Factor, f => f.ToString(CultureInfo.InvariantCulture));
        Line(PolicyKeys.AutoBanMaxDuration, a.MaxDuration, b.MaxDuration, d => BanDuration.Format(d));
        Line(PolicyKeys.AutoBanExempt, string.Join(", ", a.ExemptEntries), string.Join(", ", b.ExemptEntries), s => s.Length == 0 ? "(none)" : s);
    }
}
