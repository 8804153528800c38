using System.Globalization;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Control;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.ManageTrustedNodes;

/// <summary>Prints the running server's active bans, most recent first.</summary>
internal sealed class BansReport(ToolContext context)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var response = await ServerCall.RequireAsync(context, ControlRequest.Of(ControlProtocol.Requests.Bans), cancellationToken);
        if (context.Json)
        {
            context.WriteJson(response, j => j.ControlResponse);
            return ExitCodes.Success;
        }
        var bans = response.Bans!;
        var o = context.Out;
        if (bans.Total == 0)
        {
            o.WriteLine("no active bans");
            return ExitCodes.Success;
        }
        var sources = string.Join(", ", bans.BySource.Where(s => s.Value > 0).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Value:N0} {s.Key}")));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ReloadText.Plural(bans.Total, "active ban")} ({sources}; MAX_BANS {bans.MaxBans:N0}):"));
        foreach (var b in bans.Bans)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {b.Target}  {b.Kind}, {b.Source}, made {ReloadText.Time(b.MadeAt)}, {Until(b)}, reason: {b.Reason}"));
        }
        if (bans.Truncated)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ... and {bans.Total - bans.Bans.Count:N0} more (the most recent {bans.Bans.Count:N0} are shown; --json has the same cut)"));
        }
        return ExitCodes.Success;
    }

    /// <summary>"forever", or "until TIME (1h 20m left)".</summary>
    public static string Until(BanInfo ban) => ban.Forever || ban.ExpiresAt is null
        ? "forever"
        : $"until {ReloadText.Time(ban.ExpiresAt.Value)} ({Left(ban.SecondsLeft ?? 0)} left)";

    private static string Left(long seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalDays}d {t.Hours}h")
            : t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h {t.Minutes}m")
            : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes}m {t.Seconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds}s");
    }
}
