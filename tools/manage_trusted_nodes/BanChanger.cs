using System.Globalization;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Control;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.ManageTrustedNodes;

/// <summary>
/// Sends <c>ban</c> and <c>unban</c> to the running server, which owns the state database. The target and length
/// are checked here first, so a typo is a usage error (64) without a round trip; the server checks them again.
/// </summary>
internal sealed class BanChanger(ToolContext context)
{
    public async Task<int> BanAsync(string target, string? duration, string? reason, CancellationToken cancellationToken)
    {
        var parsed = ParseTarget(target);
        if (duration is not null && !BanDuration.TryParse(duration, out _, out var error))
        {
            throw new ToolException(ExitCodes.Usage, error);
        }
        var request = new ControlRequest { Type = ControlProtocol.Requests.Ban, Target = parsed.ToString(), Duration = duration, Reason = reason };
        var response = await ServerCall.RequireAsync(context, request, cancellationToken);
        if (context.Json)
        {
            context.WriteJson(response, j => j.ControlResponse);
            return ExitCodes.Success;
        }
        var change = response.Ban!;
        var ban = change.Ban!;
        var verb = change.Outcome == "updated" ? "ban updated" : "banned";
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{verb}: {ban.Target} ({ban.Kind}) {BansReport.Until(ban)}; {ReloadText.Plural(change.SessionsClosed, "live session")} closed"));
        if (change.Displaced is { } displaced)
        {
            context.Out.WriteLine($"MAX_BANS is reached: the automatic ban on {displaced.Target} was dropped to make room");
        }
        return ExitCodes.Success;
    }

    public async Task<int> UnbanAsync(string target, CancellationToken cancellationToken)
    {
        var parsed = ParseTarget(target);
        var request = new ControlRequest { Type = ControlProtocol.Requests.Unban, Target = parsed.ToString() };
        var response = await ServerCall.RequireAsync(context, request, cancellationToken);
        if (context.Json)
        {
            context.WriteJson(response, j => j.ControlResponse);
            return ExitCodes.Success;
        }
        context.Out.WriteLine(response.Ban!.Outcome == "removed"
            ? $"unbanned: {parsed} (the next connection is decided without the ban)"
            : $"{parsed} is not banned; nothing changed");
        return ExitCodes.Success;
    }

    private static BanTarget ParseTarget(string text) =>
        BanTarget.TryParse(text, out var target, out var error) ? target : throw new ToolException(ExitCodes.Usage, error);
}
