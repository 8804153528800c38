using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Editing;
using static P2PSecurity.Server.Dashboard.Html;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The server-rendered pages and their forms. A form posts to <c>/ui/…</c>, which runs the same operation as the
/// JSON API and redirects back to the page with what happened and the revision now in force.
/// </summary>
internal static class DashboardPages
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext c, DashboardOperations ops, IAntiforgery af, TimeProvider time, DashboardHistory history, string? msg) => Overview(c, ops, af, time, history, msg));
        app.MapGet("/nodes", (HttpContext c, DashboardOperations ops, IAntiforgery af, string? list, string? q, int? page, string? msg) => Nodes(c, ops, af, list, q, page ?? 1, msg));
        app.MapGet("/pending", (HttpContext c, DashboardOperations ops, IAntiforgery af, TimeProvider time, string? msg) => Pending(c, ops, af, time, msg));
        app.MapGet("/addresses", (HttpContext c, DashboardOperations ops, IAntiforgery af, string? msg) => Addresses(c, ops, af, msg));
        app.MapGet("/events", (HttpContext c, IAntiforgery af) => Send(Page("Events", "/events", Token(c, af), null, EventsBody, "/assets/events.js")));
        app.MapGet("/lockdown", (HttpContext c, DashboardOperations ops, IAntiforgery af, string? msg) => Lockdown(c, ops, af, msg));

        app.MapPost("/ui/nodes/allow", (HttpContext c, DashboardOperations ops) => Form(c, ops, "allow", PolicyList.AllowedNodeKeys, "key", add: true, "/nodes"));
        app.MapPost("/ui/nodes/remove", (HttpContext c, DashboardOperations ops) => Form(c, ops, "remove", PolicyList.AllowedNodeKeys, "key", add: false, "/nodes"));
        app.MapPost("/ui/nodes/block", (HttpContext c, DashboardOperations ops) => Form(c, ops, "block", PolicyList.BlockedNodeKeys, "key", add: true, "/nodes?list=blocked"));
        app.MapPost("/ui/nodes/unblock", (HttpContext c, DashboardOperations ops) => Form(c, ops, "unblock", PolicyList.BlockedNodeKeys, "key", add: false, "/nodes?list=blocked"));
        app.MapPost("/ui/pending/approve", (HttpContext c, DashboardOperations ops) => Form(c, ops, "approve", PolicyList.AllowedNodeKeys, "key", add: true, "/pending"));
        app.MapPost("/ui/pending/block", (HttpContext c, DashboardOperations ops) => Form(c, ops, "block", PolicyList.BlockedNodeKeys, "key", add: true, "/pending"));
        app.MapPost("/ui/addresses/block", (HttpContext c, DashboardOperations ops) => Form(c, ops, "block_address", PolicyList.BlockedIpAddresses, "target", add: true, "/addresses"));
        app.MapPost("/ui/addresses/unblock", (HttpContext c, DashboardOperations ops) => Form(c, ops, "unblock_address", PolicyList.BlockedIpAddresses, "target", add: false, "/addresses"));
        app.MapPost("/ui/pending/ignore", async (HttpContext c, DashboardOperations ops) =>
        {
            var form = await c.Request.ReadFormAsync(c.RequestAborted);
            ops.Ignore(form["key"].ToString());
            return Results.Redirect("/pending?msg=" + Uri.EscapeDataString("ignored " + form["key"]));
        });
        app.MapPost("/ui/lockdown", async (HttpContext c, DashboardOperations ops) =>
        {
            var form = await c.Request.ReadFormAsync(c.RequestAborted);
            var on = form["on"] == "true";
            if (on && form["confirm"] != "yes")
            {
                return Results.Redirect("/lockdown?msg=" + Uri.EscapeDataString("tick the confirmation to lock down"));
            }
            var answer = DashboardApi.Lockdown(ops, new LockdownBody { On = on, AllowTrusted = form["allow_trusted"] == "true", Reason = form["reason"].ToString() });
            DashboardLog.Change(c, on ? "lockdown_on" : "lockdown_off", "-", ops.Manager.Policy.Revision);
            var text = answer.Ok ? $"lockdown {(answer.Lockdown!.Active ? "on" : "off")}" : answer.Error!.Message;
            return Results.Redirect("/lockdown?msg=" + Uri.EscapeDataString(text));
        });
    }

    private static async Task<IResult> Form(HttpContext c, DashboardOperations ops, string action, PolicyList list, string field, bool add, string back)
    {
        var form = await c.Request.ReadFormAsync(c.RequestAborted);
        var input = form[field].ToString();
        var label = form["label"].ToString();
        var answer = ops.Edit(action, list, input, string.IsNullOrWhiteSpace(label) ? null : label, add, preview: false);
        if (answer.Ok)
        {
            DashboardLog.Change(c, action, answer.Entry ?? input, answer.Revision);
        }
        var text = answer.Ok
            ? $"{action} {answer.Entry}: {answer.Outcome}; revision {answer.Revision} in force" +
              (answer.Reload is { SessionsClosed: > 0 } r ? $", {r.SessionsClosed} session(s) closed" : "") +
              (answer.Warnings.Count > 0 ? " (" + string.Join("; ", answer.Warnings) + ")" : "")
            : answer.Error?.Message ?? $"the server refused the file: {string.Join("; ", answer.Reload?.Diagnostics.Select(d => d.Message) ?? [])}";
        var separator = back.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return Results.Redirect($"{back}{separator}msg={Uri.EscapeDataString(text)}");
    }

    private static string Token(HttpContext c, IAntiforgery af) => af.GetAndStoreTokens(c).RequestToken!;

    private static IResult Send(string html) => Results.Content(html, "text/html; charset=utf-8");

    private static IResult Overview(HttpContext c, DashboardOperations ops, IAntiforgery af, TimeProvider time, DashboardHistory history, string? msg)
    {
        var s = ops.Status();
        var lockdown = DashboardApi.LockdownState(ops);
        var now = time.GetUtcNow();
        var b = new StringBuilder("<table class=\"facts\">");
        Row(b, "Mode", s.ModeDescription);
        Row(b, "Revision", $"{s.PolicyRevision}, in force since {Ago(s.PolicyLoadedAt, now)}", "revision");
        Row(b, "Last reload", $"{s.LastReload.Outcome} ({s.LastReload.Trigger}, {Ago(s.LastReload.At, now)})" +
            (s.LastReload.Diagnostics.Count > 0 ? ": " + string.Join("; ", s.LastReload.Diagnostics.Select(d => d.Message)) : ""));
        Row(b, "Lockdown", lockdown?.Active == true ? $"ON ({lockdown.Mode}) {lockdown.Reason}" : "off", "lockdown");
        Row(b, "Connections", $"{s.LiveConnections} live: {s.LiveConnections - s.OutboundConnections} inbound, {s.OutboundConnections} outbound, {s.AuthenticatedConnections} authenticated", "connections");
        Row(b, "Lists", $"{s.AllowedNodeKeys} allowed keys, {s.BlockedNodeKeys} blocked keys, {s.BlockedIpEntries} blocked addresses");
        Row(b, "Listening", $"{s.Server.ListenEndpoint} as {s.Server.NodeKey}");
        b.Append("</table><h2>Refusals since start</h2><table id=\"refusals\"><tr><th>reason</th><th>count</th></tr>");
        foreach (var (reason, count) in s.RefusalsByReason.OrderByDescending(r => r.Value))
        {
            b.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(reason)}</td><td>{E(count)}</td></tr>");
        }
        b.Append("</table>").Append(HistoryCharts.Render(history.Samples()));
        return Send(Page("Overview", "/", Token(c, af), msg, b.ToString()));
    }

    private static void Row(StringBuilder b, string name, string value, string? id = null) =>
        b.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(name)}</th><td{(id is null ? "" : $" id=\"{id}\"")}>{E(value)}</td></tr>");

    private static IResult Nodes(HttpContext c, DashboardOperations ops, IAntiforgery af, string? list, string? q, int page, string? msg)
    {
        var csrf = Token(c, af);
        var blocked = list == "blocked";
        var result = ops.Nodes(blocked ? PolicyList.BlockedNodeKeys : PolicyList.AllowedNodeKeys, q, page, 50);
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"<p><a href=\"/nodes\"{(blocked ? "" : " class=\"current\"")}>Allowed</a> · <a href=\"/nodes?list=blocked\"{(blocked ? " class=\"current\"" : "")}>Blocked</a> · revision <span id=\"revision\">{result.Revision}</span></p>");
        b.Append(CultureInfo.InvariantCulture, $"<form method=\"get\" action=\"/nodes\"><input type=\"hidden\" name=\"list\" value=\"{(blocked ? "blocked" : "allowed")}\"><input type=\"search\" name=\"q\" value=\"{E(q)}\" placeholder=\"key or label\"><button type=\"submit\">Search</button></form>");
        b.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/ui/nodes/{(blocked ? "block" : "allow")}\" id=\"add-node\">{Csrf(csrf)}<input name=\"key\" placeholder=\"64 hex digits\" size=\"70\" required><input name=\"label\" placeholder=\"label\"><button type=\"submit\">{(blocked ? "Block" : "Allow")}</button></form>");
        b.Append(CultureInfo.InvariantCulture, $"<p>{result.Total:N0} keys, page {result.Page} of {result.Pages}</p><table id=\"nodes\"><tr><th>key</th><th>label</th><th>connected</th><th></th></tr>");
        foreach (var n in result.Items)
        {
            var connected = n.Connected.Count == 0 ? "" : string.Join(", ", n.Connected.Select(x => $"{x.Address} since {x.Since:HH:mm:ss}"));
            var actions = blocked
                ? Button("/ui/nodes/unblock", "Unblock", csrf, ("key", n.Key))
                : Button("/ui/nodes/remove", "Remove", csrf, ("key", n.Key)) + Button("/ui/nodes/block", "Block", csrf, ("key", n.Key));
            b.Append(CultureInfo.InvariantCulture, $"<tr data-key=\"{E(n.Key)}\"><td class=\"key\">{E(n.Key)}</td><td>{E(n.Label)}</td><td>{E(connected)}</td><td>{actions}</td></tr>");
        }
        b.Append("</table>");
        Pager(b, blocked, q, result);
        b.Append("<h2>Connected now</h2><table id=\"sessions\"><tr><th>key</th><th>address</th><th>since</th><th>direction</th><th></th></tr>");
        foreach (var s in ops.Sessions.OrderBy(s => s.Since))
        {
            var key = s.NodeKey?.ToString() ?? "";
            b.Append(CultureInfo.InvariantCulture, $"<tr data-key=\"{E(key)}\"><td class=\"key\">{E(key)}</td><td>{E(s.RemoteEndPoint?.ToString())}</td><td>{s.Since:HH:mm:ss}</td><td>{(s.Outbound ? "outbound" : "inbound")}</td><td>{(key.Length > 0 ? Button("/ui/nodes/block", "Block", csrf, ("key", key)) : "")}</td></tr>");
        }
        b.Append("</table>");
        return Send(Page("Nodes", "/nodes", csrf, msg, b.ToString()));
    }

    private static void Pager(StringBuilder b, bool blocked, string? q, NodePage page)
    {
        var list = blocked ? "blocked" : "allowed";
        var query = string.IsNullOrEmpty(q) ? "" : "&q=" + Uri.EscapeDataString(q);
        b.Append("<p class=\"pager\">");
        if (page.Page > 1)
        {
            b.Append(CultureInfo.InvariantCulture, $"<a href=\"/nodes?list={list}{E(query)}&amp;page={page.Page - 1}\">previous</a> ");
        }
        if (page.Page < page.Pages)
        {
            b.Append(CultureInfo.InvariantCulture, $"<a href=\"/nodes?list={list}{E(query)}&amp;page={page.Page + 1}\" id=\"next\">next</a>");
        }
        b.Append("</p>");
    }

    private static IResult Pending(HttpContext c, DashboardOperations ops, IAntiforgery af, TimeProvider time, string? msg)
    {
        var csrf = Token(c, af);
        var pending = ops.Pending();
        var now = time.GetUtcNow();
        var b = new StringBuilder($"<p>Keys refused at the node gate recently (the server remembers {pending.Capacity}).</p>");
        b.Append("<table id=\"pending\"><tr><th>key</th><th>address</th><th>first seen</th><th>last seen</th><th>attempts</th><th>now</th><th></th></tr>");
        foreach (var n in pending.Nodes)
        {
            var approve = $"<form method=\"post\" action=\"/ui/pending/approve\" class=\"inline\">{Csrf(csrf)}<input type=\"hidden\" name=\"key\" value=\"{E(n.NodeKey)}\"><input name=\"label\" placeholder=\"label\"><button type=\"submit\">Approve</button></form>";
            b.Append(CultureInfo.InvariantCulture, $"<tr data-key=\"{E(n.NodeKey)}\"><td class=\"key\">{E(n.NodeKey)}</td><td>{E(n.Address)}</td><td>{E(Ago(n.FirstSeen, now))}</td><td>{E(Ago(n.LastSeen, now))}</td><td>{n.Attempts}</td><td>{E(n.Now)}</td><td>{approve}{Button("/ui/pending/ignore", "Ignore", csrf, ("key", n.NodeKey))}{Button("/ui/pending/block", "Block", csrf, ("key", n.NodeKey))}</td></tr>");
        }
        b.Append("</table>");
        return Send(Page("Pending", "/pending", csrf, msg, b.ToString()));
    }

    private static IResult Addresses(HttpContext c, DashboardOperations ops, IAntiforgery af, string? msg)
    {
        var csrf = Token(c, af);
        var b = new StringBuilder($"<form method=\"post\" action=\"/ui/addresses/block\" id=\"block-address\">{Csrf(csrf)}<input name=\"target\" placeholder=\"203.0.113.7 or 203.0.113.0/24\" required><button type=\"submit\">Block</button></form>");
        b.Append("<table id=\"addresses\"><tr><th>address or range</th><th></th></tr>");
        foreach (var entry in ops.BlockedAddresses())
        {
            b.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(entry)}</td><td>{Button("/ui/addresses/unblock", "Unblock", csrf, ("target", entry))}</td></tr>");
        }
        b.Append("</table>");
        return Send(Page("Addresses", "/addresses", csrf, msg, b.ToString()));
    }

    private static IResult Lockdown(HttpContext c, DashboardOperations ops, IAntiforgery af, string? msg)
    {
        var csrf = Token(c, af);
        var state = DashboardApi.LockdownState(ops);
        var b = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<p id=\"lockdown-state\">Lockdown is <strong>{(state?.Active == true ? "ON" : "off")}</strong>{E(state?.Reason is { } r ? ": " + r : "")}</p>");
        b.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/ui/lockdown\">{Csrf(csrf)}<input type=\"hidden\" name=\"on\" value=\"true\"><input name=\"reason\" placeholder=\"reason\"><label><input type=\"checkbox\" name=\"allow_trusted\" value=\"true\"> let allowed keys in</label><label><input type=\"checkbox\" name=\"confirm\" value=\"yes\"> I mean it: refuse new connections and close sessions</label><button type=\"submit\">Lock down</button></form>");
        b.Append(Button("/ui/lockdown", "Lift lockdown", csrf, ("on", "false")));
        return Send(Page("Lockdown", "/lockdown", csrf, msg, b.ToString()));
    }

    private const string EventsBody =
        "<p><input id=\"filter\" type=\"search\" placeholder=\"anywhere in the row\"> <input id=\"filter-event\" type=\"search\" placeholder=\"event\" size=\"18\">" +
        "<input id=\"filter-reason\" type=\"search\" placeholder=\"reason\" size=\"18\"><input id=\"filter-address\" type=\"search\" placeholder=\"address\" size=\"16\">" +
        "<input id=\"filter-key\" type=\"search\" placeholder=\"node key\" size=\"20\"> <span id=\"stream-state\">connecting…</span></p>" +
        "<table id=\"events\"><thead><tr><th>id</th><th>time</th><th>event</th><th>remote</th><th>node</th><th>reason</th><th>message</th></tr></thead><tbody></tbody></table>";
}
