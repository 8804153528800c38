using System.Globalization;
using P2PSecurity.Core.Control;

namespace P2PSecurity.Tools;

/// <summary>How every tool words a reload's result.</summary>
public static class ReloadText
{
    public static IEnumerable<string> Describe(ReloadInfo reload)
    {
        switch (reload.Outcome)
        {
            case "applied":
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"reloaded: revision {reload.Revision} in force ({Plural(reload.Changes.Count, "change")}, {Plural(reload.SessionsClosed, "session")} closed)");
                if (reload.ModeChange is { } mode)
                {
                    yield return (mode.Opened ? "  warning: " : "  ") + mode.Text;
                }
                foreach (var change in reload.Changes)
                {
                    yield return "  " + change;
                }
                break;
            case "unchanged":
                yield return string.Create(CultureInfo.InvariantCulture, $"revision {reload.Revision} is in force and matches the file (already reloaded)");
                break;
            case "empty":
                yield return string.Create(CultureInfo.InvariantCulture, $"kept: the file is empty; revision {reload.Revision}, the last good policy, stays in force");
                yield return "  run 'reload_security reload --accept-empty' to put the embedded defaults in force on purpose";
                yield break;
            case "invalid":
                yield return string.Create(CultureInfo.InvariantCulture, $"refused: the file has errors; revision {reload.Revision} stays in force");
                break;
            default:
                yield return string.Create(CultureInfo.InvariantCulture, $"refused ({reload.Outcome}); revision {reload.Revision} stays in force");
                break;
        }
        foreach (var d in reload.Diagnostics)
        {
            yield return $"  {d.Severity}: {d.Text}";
        }
    }

    public static string Plural(long n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? string.Empty : "s")}");

    /// <summary>A time for people: local, to the second, with its offset.</summary>
    public static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
}
