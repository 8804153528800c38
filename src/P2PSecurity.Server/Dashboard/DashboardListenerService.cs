using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Control;
using P2PSecurity.Server.Hosting;
using P2PSecurity.Server.Status;
using P2PSecurity.Server.Web;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The operator dashboard on DASHBOARD_ADDRESS: an ASP.NET Core application on Kestrel, started and stopped with the
/// node server's host and sharing its singletons (the security manager, the live sessions, the event feed).
/// Everything but the login page and its stylesheet needs a login: the token cookie, or a bearer token for the API.
/// </summary>
internal sealed class DashboardListenerService(WebListenAddress address, IServiceProvider outer) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;
    private ControlRequestHandler? _control;
    private X509Certificate2? _certificate;
    private DashboardHistory? _history;

    /// <summary>Where the dashboard is served, once started.</summary>
    public Uri? Url { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var manager = outer.GetRequiredService<SecurityManager>();
        var loggerFactory = outer.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger<DashboardListenerService>();
        var policy = manager.Policy;
        if (policy.DashboardCertFile.Length > 0)
        {
            var (certificate, path, created) = DashboardCertificate.Load(policy.DashboardCertFile, policy.ResolvePath);
            _certificate = certificate;
            WebLog.DashboardCertificate(logger, path, DashboardCertificate.Fingerprint(certificate), created);
        }
        else if (!address.IsLoopback)
        {
            throw new StartupException(
                $"DASHBOARD_ADDRESS={address} can be reached from other hosts, and the dashboard's token and cookie must not cross a network in clear: " +
                $"set DASHBOARD_CERT_FILE to a PEM file with a certificate and its key, or DASHBOARD_CERT_FILE={DashboardCertificate.SelfSigned}; refusing to listen without TLS");
        }
        DashboardToken token;
        try
        {
            token = DashboardToken.LoadOrCreate(policy.ResolvePath(DashboardToken.FileName));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"dashboard token {policy.ResolvePath(DashboardToken.FileName)}: {ex.Message}", ex);
        }
        WebLog.DashboardToken(logger, token.Path, token.Created);
        _control = new ControlRequestHandler(manager, outer.GetService<IServerStatusSource>(), outer.GetRequiredService<RecentNodeRefusals>());
        var ops = new DashboardOperations(manager, _control, outer.GetRequiredService<NodeServerStatus>());
        var tls = _certificate is not null;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(WebListenerBinding.EndPoint(address), listen =>
            {
                if (_certificate is { } certificate)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        builder.Services.AddSingleton(ops);
        builder.Services.AddSingleton(new PolicyFileOperations(manager, _control));
        _history = DashboardHistory.For(manager, outer.GetRequiredService<TimeProvider>());
        builder.Services.AddSingleton(_history);
        builder.Services.AddSingleton(token);
        var access = outer.GetRequiredService<DashboardAccess>();
        builder.Services.AddSingleton(access);
        builder.Services.AddSingleton(outer.GetRequiredService<SecurityEventFeed>());
        builder.Services.AddSingleton(outer.GetRequiredService<TimeProvider>());
        // Keys in memory: a restart logs everyone out, and no key file is left in the home folder.
        builder.Services.AddDataProtection();
        builder.Services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o =>
        {
            o.XmlRepository = new InMemoryXmlRepository();
            o.XmlEncryptor = new Microsoft.AspNetCore.DataProtection.XmlEncryption.NullXmlEncryptor(); // never leaves memory
        });
        AddAuthentication(builder.Services, tls);
        builder.Services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "p2psecurity_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = tls ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.HeaderName = "X-CSRF-TOKEN";
        });
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(DashboardLogin.RateLimitPolicy, c => RateLimitPartition.GetFixedWindowLimiter(DashboardLog.Remote(c),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 5, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = (c, _) =>
            {
                DashboardLog.LoginFailed(c.HttpContext, "rate_limited");
                return ValueTask.CompletedTask;
            };
        });
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });

        var app = builder.Build();
        app.Use(SecurityHeaders);
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(RequireAntiforgery);
        app.UseRateLimiter();
        DashboardAssets.Map(app);
        DashboardLogin.Map(app);
        DashboardPages.Map(app);
        PolicyPages.Map(app);
        BansPage.Map(app);
        DashboardApi.Map(app);
        _app = app;
        Url = await WebListenerBinding.StartAsync(app, PolicyKeys.DashboardAddress, address.ToString(), cancellationToken).ConfigureAwait(false);
        access.BaseUrl = Url;
        WebLog.DashboardListening(logger, Url.ToString(), tls);
    }

    private static void AddAuthentication(IServiceCollection services, bool tls)
    {
        const string Smart = "dashboard";
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Smart;
                o.DefaultChallengeScheme = Smart;
            })
            .AddPolicyScheme(Smart, Smart, o => o.ForwardDefaultSelector = c =>
                c.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal) ? BearerTokenHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "p2psecurity_dashboard";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = tls ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = c =>
                {
                    // A script gets a status, a browser the login page.
                    if (c.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
                    {
                        c.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    }
                    else
                    {
                        c.Response.Redirect("/login");
                    }
                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
    }

    /// <summary>
    /// Every state-changing request made with the cookie (pages and API alike) needs the antiforgery token, in the
    /// form or in X-CSRF-TOKEN; one made with a bearer token carries no ambient credential and needs none.
    /// </summary>
    private static async Task RequireAntiforgery(HttpContext context, RequestDelegate next)
    {
        var m = context.Request.Method;
        var changes = HttpMethods.IsPost(m) || HttpMethods.IsPut(m) || HttpMethods.IsDelete(m) || HttpMethods.IsPatch(m);
        if (changes && context.User.Identity?.AuthenticationType != BearerTokenHandler.SchemeName &&
            !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
        {
            DashboardLog.LoginFailed(context, "antiforgery_token_missing");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(ControlResponse.Failure(null, ControlProtocol.ErrorCodes.InvalidArgument,
                "the antiforgery token is missing or wrong: reload the page (scripts: use Authorization: Bearer)"), context.RequestAborted);
            return;
        }
        await next(context);
    }

    private static Task SecurityHeaders(HttpContext context, RequestDelegate next)
    {
        var h = context.Response.Headers;
        h.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        h.CacheControl = "no-store";
        return next(context);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        _control?.Dispose();
        _history?.Dispose();
        _certificate?.Dispose();
    }
}
