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
/// The Policy page (the file with line numbers and its findings; check, preview, apply) and the Network key page
/// (the key in force by fingerprint; rotate with validation and a preview of the sessions that would close).
/// Neither ever writes a secret into a page: the file is shown masked, and the new key's fields are never refilled.
/// </summary>
internal static class PolicyPages
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/policy", (HttpContext c, PolicyFileOperations files, IAntiforgery af, string? msg) =>
        {
            var view = files.View();
            return Send(Policy(c, af, view, view.Text, msg, null, null));
        });
        app.MapPost("/ui/policy/check", async (HttpContext c, PolicyFileOperations files, IAntiforgery af) =>
        {
            var form = await c.Request.ReadFormAsync(c.RequestAborted);
            var text = files.FromTextArea(form["text"].ToString());
            return Send(Policy(c, af, files.View(), PolicySecretMask.Mask(text), null, files.Check(text), null, form["base_sha256"].ToString()));
        });
        app.MapPost("/ui/policy/apply", async (HttpContext c, PolicyFileOperations files, IAntiforgery af) =>
        {
            var form = await c.Request.ReadFormAsync(c.RequestAborted);
            var text = files.FromTextArea(form["text"].ToString());
            var answer = files.Apply(text, form["base_sha256"].ToString() is { Length: > 0 } b ? b : null, form["open_network"] == "true");
            if (!answer.Ok)
            {
                return Send(Policy(c, af, files.View(), PolicySecretMask.Mask(text), null, null, answer, form["base_sha256"].ToString()));
            }
            DashboardLog.Change(c, answer.Action, "-", answer.Revision);
            return Results.Redirect("/policy?msg=" + Uri.EscapeDataString(
                $"{(answer.Outcome == "written" ? "file written" : "file unchanged")}; revision {answer.Revision} in force" + Closed(answer)));
        });

        app.MapGet("/network-key", (HttpContext c, PolicyFileOperations files, IAntiforgery af, string? msg) => Send(NetworkKey(c, af, files, msg)));
        app.MapPost("/ui/network-key/rotate", async (HttpContext c, PolicyFileOperations files) =>
        {
            var form = await c.Request.ReadFormAsync(c.RequestAborted);
            var answer = files.RotateNetworkKey(form["key"].ToString(), form["confirm"].ToString(), form["keep_previous"] == "true", preview: false);
            if (answer.Ok)
            {
                DashboardLog.Change(c, answer.Action, answer.Entry ?? "-", answer.Revision);
            }
            var text = answer.Ok
                ? $"network key now fingerprint {answer.Entry}; revision {answer.Revision} in force" + Closed(answer)
                : answer.Error?.Message ?? "the server refused the file: " + string.Join("; ", answer.Reload?.Diagnostics.Select(d => d.Message) ?? []);
            return Results.Redirect("/network-key?msg=" + Uri.EscapeDataString(text));
        });
    }

    private static string Closed(EditAnswer answer) => answer.Reload is { SessionsClosed: > 0 } r ? $", {r.SessionsClosed} session(s) closed" : "";

    private static IResult Send(string html) => Results.Content(html, "text/html; charset=utf-8");

    private static string Policy(HttpContext c, IAntiforgery af, PolicyView view, string text, string? msg, ControlResponse? check, EditAnswer? failed, string? baseSha = null)
    {
        var csrf = af.GetAndStoreTokens(c).RequestToken!;
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"<p><code>{E(view.Path)}</code>, revision <span id=\"revision\">{view.Revision}</span> in force. Secrets written in the file show as <code>{E(PolicySecretMask.Placeholder)}</code>; leave that as it is to keep them (change the key on the Network key page).</p>");
        if (failed is not null)
        {
            b.Append(CultureInfo.InvariantCulture, $"<p class=\"error\" id=\"error\">{E(failed.Error?.Message ?? "the server refused the file: " + string.Join("; ", failed.Reload?.Diagnostics.Select(d => d.Text) ?? []))}</p>");
        }
        if (check is not null)
        {
            CheckResult(b, check);
        }
        b.Append("<h2>The file now</h2>");
        Diagnostics(b, view.Diagnostics, "diagnostics");
        b.Append("<table class=\"file\" id=\"file\">");
        var n = 0;
        foreach (var line in view.Text.Split('\n'))
        {
            b.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"ln\">{++n}</td><td><code>{E(line.TrimEnd('\r'))}</code></td></tr>");
        }
        b.Append("</table><h2>Edit</h2>");
        b.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/ui/policy/check\" id=\"policy-form\">{Csrf(csrf)}<input type=\"hidden\" name=\"base_sha256\" value=\"{E(string.IsNullOrEmpty(baseSha) ? view.Sha256 : baseSha)}\">");
        b.Append(CultureInfo.InvariantCulture, $"<textarea name=\"text\" id=\"policy-text\" rows=\"24\" cols=\"110\" spellcheck=\"false\">{E(text)}</textarea><p>");
        b.Append("<label><input type=\"checkbox\" name=\"open_network\" value=\"true\"> the text may empty ALLOWED_NODE_KEYS (any authenticated node is then admitted)</label></p>");
        b.Append("<button type=\"submit\" id=\"check\">Check and preview</button> <button type=\"submit\" formaction=\"/ui/policy/apply\" id=\"apply\">Apply</button></form>");
        return Page("Policy", "/policy", csrf, msg, b.ToString());
    }

    private static void CheckResult(StringBuilder b, ControlResponse check)
    {
        b.Append("<h2>Check</h2><div id=\"check-result\">");
        if (check.CheckLive is not { } info)
        {
            b.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">{E(check.Error?.Message)}</p></div>");
            return;
        }
        b.Append(CultureInfo.InvariantCulture, $"<p id=\"check-summary\">{(info.Valid ? "valid" : "INVALID: nothing would be applied")}; " +
            $"{info.Changes.Count} change(s) against revision {info.LiveRevision}; this would close {info.SessionsWouldClose} session(s)</p>");
        Diagnostics(b, info.Diagnostics, "check-diagnostics");
        if (info.Changes.Count > 0)
        {
            b.Append("<ul id=\"changes\">");
            foreach (var change in info.Changes)
            {
                b.Append(CultureInfo.InvariantCulture, $"<li>{E(change)}</li>");
            }
            b.Append("</ul>");
        }
        if (info.ModeChange is { } mode)
        {
            b.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">{E(mode.Text)}</p>");
        }
        WouldRefuse(b, info.WouldRefuse);
        b.Append("</div>");
    }

    internal static void WouldRefuse(StringBuilder b, List<RefusedConnectionInfo> refused)
    {
        if (refused.Count == 0)
        {
            return;
        }
        b.Append("<table id=\"would-refuse\"><tr><th>connection</th><th>address</th><th>node</th><th>why</th></tr>");
        foreach (var r in refused)
        {
            b.Append(CultureInfo.InvariantCulture, $"<tr><td>{r.Id}</td><td>{E(r.Address)}</td><td class=\"key\">{E(r.NodeKey)}</td><td>{E(r.Description)}</td></tr>");
        }
        b.Append("</table>");
    }

    private static void Diagnostics(StringBuilder b, List<DiagnosticInfo> diagnostics, string id)
    {
        if (diagnostics.Count == 0)
        {
            b.Append(CultureInfo.InvariantCulture, $"<p id=\"{id}\">no errors, no warnings</p>");
            return;
        }
        b.Append(CultureInfo.InvariantCulture, $"<table id=\"{id}\"><tr><th>line</th><th>severity</th><th>key</th><th>message</th></tr>");
        foreach (var d in diagnostics)
        {
            b.Append(CultureInfo.InvariantCulture, $"<tr class=\"{E(d.Severity)}\"><td>{d.Line}</td><td>{E(d.Severity)}</td><td>{E(d.Key)}</td><td>{E(d.Message)}</td></tr>");
        }
        b.Append("</table>");
    }

    /// <summary>Where Save puts the new key, from the source of the key in force (a path, never a key).</summary>
    private static string RotateTarget(string? source)
    {
        const string File = "NETWORK_SECRET_KEY_FILE ";
        if (source is not null && source.StartsWith(File, StringComparison.Ordinal))
        {
            var path = source[File.Length..];
            return $"Save writes the new key into {path} (owner-only, replaced atomically); a key kept accepted goes into {path}{NetworkKeyFileRotation.PreviousSuffix}. The policy file only names these files.";
        }
        if (source is not null && source.StartsWith("systemd credential ", StringComparison.Ordinal))
        {
            return "The key is a systemd credential, read-only to the server: rotate it with systemd-creds and a restart (Save says how).";
        }
        return "Save writes the new key into the policy file as NETWORK_SECRET_KEY (the file must be owner-only).";
    }

    private static string NetworkKey(HttpContext c, IAntiforgery af, PolicyFileOperations files, string? msg)
    {
        var csrf = af.GetAndStoreTokens(c).RequestToken!;
        var key = files.NetworkKey();
        var b = new StringBuilder("<table class=\"facts\">");
        b.Append(CultureInfo.InvariantCulture, $"<tr><th>In force</th><td id=\"fingerprint\">{E(key.Fingerprint ?? "no network key")}</td></tr>");
        b.Append(CultureInfo.InvariantCulture, $"<tr><th>From</th><td>{E(key.Source ?? "-")}</td></tr>");
        b.Append(CultureInfo.InvariantCulture, $"<tr><th>Previous (still accepted)</th><td id=\"previous\">{E(key.PreviousFingerprint ?? "none")}{E(key.PreviousSource is { } p ? " from " + p : "")}</td></tr></table>");
        b.Append("<h2>Rotate</h2><form method=\"post\" action=\"/ui/network-key/rotate\" id=\"rotate-key\">").Append(Csrf(csrf));
        b.Append("<p><label>New key <input type=\"password\" name=\"key\" id=\"new-key\" autocomplete=\"new-password\" required minlength=\"16\"></label> ");
        b.Append("<label>Again <input type=\"password\" name=\"confirm\" id=\"confirm-key\" autocomplete=\"new-password\" required></label></p>");
        b.Append(CultureInfo.InvariantCulture, $"<p id=\"rotate-target\">{E(RotateTarget(key.Source))}</p>");
        b.Append("<p><label><input type=\"checkbox\" name=\"keep_previous\" value=\"true\" id=\"keep-previous\" checked> keep the key in force accepted while the nodes move over (as NETWORK_SECRET_KEY_PREVIOUS, or in the key file's .previous named by NETWORK_SECRET_KEY_PREVIOUS_FILE)</label></p>");
        b.Append("<p><button type=\"button\" id=\"preview-key\">Preview</button> <button type=\"submit\" id=\"save-key\">Save</button></p></form>");
        b.Append("<div id=\"key-preview\"></div>");
        b.Append("<h2>Sessions and the key each proved</h2><table id=\"key-sessions\"><tr><th>address</th><th>node</th><th>direction</th><th>proved</th></tr>");
        foreach (var s in key.Sessions)
        {
            b.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(s.Address)}</td><td class=\"key\">{E(s.NodeKey)}</td><td>{(s.Outbound ? "outbound" : "inbound")}</td><td>{E(s.Proved ?? "-")}</td></tr>");
        }
        b.Append("</table>");
        return Page("Network key", "/network-key", csrf, msg, b.ToString(), "/assets/network-key.js");
    }
}
