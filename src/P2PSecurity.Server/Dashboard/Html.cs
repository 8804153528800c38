using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace P2PSecurity.Server.Dashboard;

/// <summary>The page frame and the few pieces every page uses. Every value is HTML-encoded here, once.</summary>
internal static class Html
{
    private static readonly (string Path, string Name)[] Nav =
    [
        ("/", "Overview"), ("/nodes", "Nodes"), ("/pending", "Pending"), ("/addresses", "Addresses"), ("/bans", "Bans"), ("/events", "Events"),
        ("/policy", "Policy"), ("/network-key", "Network key"), ("/lockdown", "Lockdown"),
    ];

    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public static string E(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A hidden antiforgery field for a form.</summary>
    public static string Csrf(string token) => $"<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"{E(token)}\">";

    /// <summary>A one-button form that posts <paramref name="fields"/> to <paramref name="action"/>.</summary>
    public static string Button(string action, string label, string csrf, params (string Name, string Value)[] fields)
    {
        var sb = new StringBuilder($"<form method=\"post\" action=\"{E(action)}\" class=\"inline\">{Csrf(csrf)}");
        foreach (var (name, value) in fields)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">");
        }
        return sb.Append(CultureInfo.InvariantCulture, $"<button type=\"submit\">{E(label)}</button></form>").ToString();
    }

    public static string Page(string title, string current, string csrf, string? message, string body, string? script = null)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title>{E(title)} · P2PSecurity</title>");
        sb.Append(CultureInfo.InvariantCulture, $"<meta name=\"csrf-token\" content=\"{E(csrf)}\">");
        sb.Append("<link rel=\"stylesheet\" href=\"/assets/dashboard.css\"></head><body><header><strong>P2PSecurity</strong><nav>");
        foreach (var (path, name) in Nav)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<a href=\"{path}\"{(path == current ? " class=\"current\"" : "")}>{name}</a>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"</nav><form method=\"post\" action=\"/logout\" class=\"inline\">{Csrf(csrf)}<button type=\"submit\" id=\"logout\">Log out</button></form></header><main>");
        sb.Append(CultureInfo.InvariantCulture, $"<h1>{E(title)}</h1>");
        if (!string.IsNullOrEmpty(message))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"message\" id=\"message\">{E(message)}</p>");
        }
        sb.Append(body).Append("</main>");
        if (script is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<script src=\"{E(script)}\"></script>");
        }
        return sb.Append("</body></html>").ToString();
    }

    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var s = (now - at).TotalSeconds;
        return s < 120 ? $"{s:0} s ago" : s < 7200 ? $"{s / 60:0} min ago" : $"{s / 3600:0.#} h ago";
    }
}
