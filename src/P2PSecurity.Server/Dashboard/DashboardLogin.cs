using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static P2PSecurity.Server.Dashboard.Html;

namespace P2PSecurity.Server.Dashboard;

/// <summary>The login page (the token in a password field), the login itself, limited per address, and the logout.</summary>
internal static class DashboardLogin
{
    public const string RateLimitPolicy = "login";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (HttpContext c, IAntiforgery af, string? error) => LoginPage(c, af, error, StatusCodes.Status200OK)).AllowAnonymous();
        app.MapPost("/login", async (HttpContext c, IAntiforgery af, DashboardToken token) =>
        {
            var form = await c.Request.ReadFormAsync(c.RequestAborted);
            if (!token.Matches(form["token"].ToString()))
            {
                DashboardLog.LoginFailed(c, "wrong_token");
                return LoginPage(c, af, "That is not the token. It is in the file dashboard.token next to the policy file.", StatusCodes.Status401Unauthorized);
            }
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], CookieAuthenticationDefaults.AuthenticationScheme);
            await c.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            DashboardLog.LoginSucceeded(c, "token");
            return Results.Redirect("/");
        }).AllowAnonymous().RequireRateLimiting(RateLimitPolicy);
        app.MapPost("/logout", async (HttpContext c) =>
        {
            await c.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
    }

    private static IResult LoginPage(HttpContext c, IAntiforgery af, string? error, int status)
    {
        var csrf = af.GetAndStoreTokens(c).RequestToken!;
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log in · P2PSecurity</title>" +
            "<link rel=\"stylesheet\" href=\"/assets/dashboard.css\"></head><body class=\"login\"><main><h1>P2PSecurity dashboard</h1>" +
            (error is null ? "" : $"<p class=\"error\" id=\"error\">{E(error)}</p>") +
            $"<form method=\"post\" action=\"/login\">{Csrf(csrf)}<label>Access token <input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"current-password\" required autofocus></label>" +
            "<button type=\"submit\" id=\"login\">Log in</button></form><p>The token is in <code>dashboard.token</code> beside the policy file (owner-only).</p></main></body></html>";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
