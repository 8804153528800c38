using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static P2PSecurity.Server.Dashboard.Html;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The login page, the login itself (limited per address), and the logout. One of three credentials: the token in a
/// password field; the password set with <c>reload_security dashboard-password</c>, which then replaces the token
/// on this page; or the one-time code of a <c>reload_security dashboard-url</c> link. Opening such a link only shows
/// a button: the code is spent by the POST, so a link previewer that fetches the URL cannot use it up.
/// </summary>
internal static class DashboardLogin
{
    public const string RateLimitPolicy = "login";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (HttpContext c, IAntiforgery af, DashboardAccess access, string? error, string? code) =>
            LoginPage(c, af, access, error, code, StatusCodes.Status200OK)).AllowAnonymous();
        app.MapPost("/login", async (HttpContext c, IAntiforgery af, DashboardToken token, DashboardAccess access) =>
        {
            var form = await c.Request.ReadFormAsync(c.RequestAborted);
            string method;
            if (form.ContainsKey("code"))
            {
                if (!access.Codes.TryRedeem(form["code"].ToString()))
                {
                    DashboardLog.LoginFailed(c, "bad_login_code");
                    return LoginPage(c, af, access, "That login link has expired or was used already. Ask for a new one: reload_security dashboard-url", null, StatusCodes.Status401Unauthorized);
                }
                method = "one_time_code";
            }
            else if (access.Password.IsSet)
            {
                if (!access.Password.Matches(form["password"].ToString()))
                {
                    DashboardLog.LoginFailed(c, "wrong_password");
                    return LoginPage(c, af, access, "That is not the password (set with reload_security dashboard-password).", null, StatusCodes.Status401Unauthorized);
                }
                method = "password";
            }
            else
            {
                if (!token.Matches(form["token"].ToString()))
                {
                    DashboardLog.LoginFailed(c, "wrong_token");
                    return LoginPage(c, af, access, "That is not the token. It is in the file dashboard.token next to the policy file.", null, StatusCodes.Status401Unauthorized);
                }
                method = "token";
            }
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], CookieAuthenticationDefaults.AuthenticationScheme);
            await c.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            DashboardLog.LoginSucceeded(c, method);
            return Results.Redirect("/");
        }).AllowAnonymous().RequireRateLimiting(RateLimitPolicy);
        app.MapPost("/logout", async (HttpContext c) =>
        {
            await c.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
    }

    private static IResult LoginPage(HttpContext c, IAntiforgery af, DashboardAccess access, string? error, string? code, int status)
    {
        var csrf = af.GetAndStoreTokens(c).RequestToken!;
        string form;
        if (!string.IsNullOrEmpty(code))
        {
            form = $"<form method=\"post\" action=\"/login\">{Csrf(csrf)}<input type=\"hidden\" name=\"code\" value=\"{E(code)}\">" +
                "<button type=\"submit\" id=\"login\">Log in with this link</button></form><p>The link works once, within 2 minutes of being made.</p>";
        }
        else if (access.Password.IsSet)
        {
            form = $"<form method=\"post\" action=\"/login\">{Csrf(csrf)}<label>Password <input type=\"password\" name=\"password\" id=\"password\" autocomplete=\"current-password\" required autofocus></label>" +
                "<button type=\"submit\" id=\"login\">Log in</button></form><p>The password was set with <code>reload_security dashboard-password</code>.</p>";
        }
        else
        {
            form = $"<form method=\"post\" action=\"/login\">{Csrf(csrf)}<label>Access token <input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"current-password\" required autofocus></label>" +
                "<button type=\"submit\" id=\"login\">Log in</button></form><p>The token is in <code>dashboard.token</code> beside the policy file (owner-only).</p>";
        }
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log in · P2PSecurity</title>" +
            "<link rel=\"stylesheet\" href=\"/assets/dashboard.css\"></head><body class=\"login\"><main><h1>P2PSecurity dashboard</h1>" +
            (error is null ? "" : $"<p class=\"error\" id=\"error\">{E(error)}</p>") + form + "</main></body></html>";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
