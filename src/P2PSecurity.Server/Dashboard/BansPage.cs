using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2PSecurity.Core.Control;
using static P2PSecurity.Server.Dashboard.Html;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The Bans page: the active bans (operator and automatic) from the state database, ban and unban. Every change goes
/// through the control channel's <c>ban</c>/<c>unban</c>, the code <c>manage_trusted_nodes ban</c> reaches.
/// </summary>
internal static class BansPage
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/bans", (HttpContext c, DashboardOperations ops, IAntiforgery af, string? msg) =>
            Results.Content(Render(c, ops, af, msg), "text/html; charset=utf-8"));
        app.MapPost("/ui/bans/ban", (HttpContext c, DashboardOperations ops) => Change(c, ops, ControlProtocol.Requests.Ban));
        app.MapPost("/ui/bans/unban", (HttpContext c, DashboardOperations ops) => Change(c, ops, ControlProtocol.Requests.Unban));
    }

    private static async Task<IResult> Change(HttpContext c, DashboardOperations ops, string type)
    {
        var form = await c.Request.ReadFormAsync(c.RequestAborted);
        var request = new ControlRequest { Type = type, Target = form["target"].ToString() };
        if (type == ControlProtocol.Requests.Ban)
        {
            request.Duration = form["duration"].ToString() is { Length: > 0 } d ? d : null;
            request.Reason = form["reason"].ToString() is { Length: > 0 } r ? r : null;
        }
        var response = ops.Ask(request);
        string text;
        if (response.Ok && response.Ban is { } change)
        {
            DashboardLog.Change(c, type, change.Ban?.Target ?? request.Target ?? "-", ops.Manager.Policy.Revision);
            text = $"{type} {change.Ban?.Target ?? request.Target}: {change.Outcome}" +
                (change.Ban is { Forever: false, ExpiresAt: { } until } && type == ControlProtocol.Requests.Ban ? $" until {until:yyyy-MM-dd HH:mm:ss} UTC" : "") +
                (change.SessionsClosed > 0 ? $", {change.SessionsClosed} session(s) closed" : "");
        }
        else
        {
            text = response.Error?.Message ?? "the server did not answer";
        }
        return Results.Redirect("/bans?msg=" + Uri.EscapeDataString(text));
    }

    private static string Render(HttpContext c, DashboardOperations ops, IAntiforgery af, string? msg)
    {
        var csrf = af.GetAndStoreTokens(c).RequestToken!;
        var response = ops.Ask(ControlRequest.Of(ControlProtocol.Requests.Bans));
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/ui/bans/ban\" id=\"ban\">{Csrf(csrf)}<input name=\"target\" placeholder=\"address, range or node key\" size=\"50\" required>");
        b.Append("<input name=\"duration\" placeholder=\"24h (90s, 15m, 2d, 1w, forever)\"><input name=\"reason\" placeholder=\"reason\"><button type=\"submit\">Ban</button></form>");
        if (response.Bans is not { } bans)
        {
            b.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">{E(response.Error?.Message)}</p>");
            return Page("Bans", "/bans", csrf, msg, b.ToString());
        }
        b.Append(CultureInfo.InvariantCulture, $"<p id=\"ban-count\">{bans.Total:N0} active ban(s) of at most {bans.MaxBans:N0}" +
            $"{string.Concat(bans.BySource.Select(s => $"; {s.Key}: {s.Value}"))}{(bans.Truncated ? $"; the {bans.Bans.Count:N0} most recent shown" : "")}</p>");
        b.Append("<table id=\"bans\"><tr><th>target</th><th>kind</th><th>source</th><th>reason</th><th>since</th><th>until</th><th></th></tr>");
        foreach (var ban in bans.Bans)
        {
            var until = ban.Forever ? "forever" : ban.ExpiresAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";
            b.Append(CultureInfo.InvariantCulture, $"<tr data-target=\"{E(ban.Target)}\"><td class=\"key\">{E(ban.Target)}</td><td>{E(ban.Kind)}</td><td>{E(ban.Source)}</td><td>{E(ban.Reason)}</td>" +
                $"<td>{ban.MadeAt:yyyy-MM-dd HH:mm:ss}</td><td>{E(until)}</td><td>{Button("/ui/bans/unban", "Unban", csrf, ("target", ban.Target))}</td></tr>");
        }
        b.Append("</table>");
        return Page("Bans", "/bans", csrf, msg, b.ToString());
    }
}
