using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Dashboard;

/// <summary>Who may use the dashboard, on the real program: the token file, login, bearer, antiforgery, TLS.</summary>
public sealed class DashboardAccessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dashboard_NotLoggedIn_ServesOnlyTheLoginPageAndItsAssets()
    {
        await using var server = await DashboardServer.StartAsync(_folder, "CONTROL_SOCKET=ctl.sock\n");
        using var http = server.Client();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/login", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/assets/dashboard.css", UriKind.Relative), Ct)).StatusCode);
        foreach (var page in new[] { "/", "/nodes", "/pending", "/addresses", "/bans", "/events", "/policy", "/network-key", "/lockdown" })
        {
            var response = await http.GetAsync(new Uri(page, UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/login", response.Headers.Location?.OriginalString);
        }
        foreach (var api in new[] { "/api/v1/status", "/api/v1/nodes", "/api/v1/pending", "/api/v1/addresses", "/api/v1/events", "/api/v1/lockdown", "/api/v1/policy", "/api/v1/network-key", "/api/v1/bans" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri(api, UriKind.Relative), Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task Dashboard_FirstStart_MakesAnOwnerOnlyTokenAndPrintsOnlyWhereItIs()
    {
        await using var server = await DashboardServer.StartAsync(_folder, "CONTROL_SOCKET=ctl.sock\n");

        var path = _folder.File("dashboard.token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(64, server.Token.Length);
        Assert.Contains($"dashboard_token path={path} created=True", server.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Token, server.Process.Output + server.Process.Errors + _folder.ReadLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_RightTokenGivesAStrictHttpOnlyCookie_WrongIsRefusedLoggedAndLimited()
    {
        await using var server = await DashboardServer.StartAsync(_folder, "CONTROL_SOCKET=ctl.sock\n");
        var cookies = new CookieContainer();
        using var http = server.Client(cookies);

        var good = await server.LoginAsync(http, server.Token);
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var setCookie = string.Join("\n", good.Headers.GetValues("Set-Cookie"));
        Assert.Contains("p2psecurity_dashboard=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/", UriKind.Relative), Ct)).StatusCode);
        var logoutCsrf = await DashboardServer.AntiforgeryTokenAsync(http, "/");
        await http.PostAsync(new Uri("/logout", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = logoutCsrf }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync(new Uri("/", UriKind.Relative), Ct)).StatusCode);

        using var stranger = server.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await server.LoginAsync(stranger, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")).StatusCode);
        }
        // good login + 5 wrong ones: the sixth attempt from this address within the minute is refused unread.
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await server.LoginAsync(stranger, server.Token)).StatusCode);
        await server.Process.WaitForLineAsync("dashboard_login_failed remote=127.0.0.1 reason=rate_limited");
        Assert.Contains("dashboard_login_failed remote=127.0.0.1 reason=wrong_token", _folder.ReadLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_CookieWriteWithoutAntiforgeryToken_IsRefusedAndNothingChanges()
    {
        await using var server = await DashboardServer.StartAsync(_folder, "CONTROL_SOCKET=ctl.sock\n");
        using var http = server.Client();
        await server.LoginAsync(http, server.Token);
        var key = new string('b', 64);

        var refused = await http.PostAsJsonAsync(new Uri("/api/v1/nodes/blocked", UriKind.Relative), new { key }, Ct);
        var form = await http.PostAsync(new Uri("/ui/nodes/block", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("antiforgery", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(_folder.EnvPath, Ct), StringComparison.Ordinal);

        var csrf = await DashboardServer.AntiforgeryTokenAsync(http, "/nodes");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/nodes/blocked", UriKind.Relative)) { Content = JsonContent.Create(new { key }) };
        request.Headers.Add("X-CSRF-TOKEN", csrf);
        var accepted = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains(key, await File.ReadAllTextAsync(_folder.EnvPath, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_BearerAddsANode_AnswersTheRevisionInForceAndTheNodeIsWelcomedNext()
    {
        using var node = TestIdentities.Create();
        await using var server = await DashboardServer.StartAsync(_folder, $"CONTROL_SOCKET=ctl.sock\nALLOWED_NODE_KEYS={new string('c', 64)}\n");
        using var api = server.BearerClient();
        var options = new NodeClientOptions { Server = server.EndPoint, Identity = node };
        var (before, refused) = await NodeClient.ConnectAndHandshakeAsync(options, Ct);
        await before.DisposeAsync();
        Assert.False(refused.Welcomed);

        var preview = await api.PostAsJsonAsync(new Uri("/api/v1/nodes/allowed?preview=true", UriKind.Relative), new { key = node.NodeKey.ToString(), label = "lab" }, Ct);
        var previewJson = JsonDocument.Parse(await preview.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("preview:added", previewJson.GetProperty("outcome").GetString());
        Assert.DoesNotContain(node.NodeKey.ToString(), await File.ReadAllTextAsync(_folder.EnvPath, Ct), StringComparison.Ordinal);

        var added = await api.PostAsJsonAsync(new Uri("/api/v1/nodes/allowed", UriKind.Relative), new { key = node.NodeKey.ToString(), label = "lab" }, Ct);
        var json = JsonDocument.Parse(await added.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal("added", json.GetProperty("outcome").GetString());
        Assert.Equal(2, json.GetProperty("revision").GetInt64());

        var (after, welcome) = await NodeClient.ConnectAndHandshakeAsync(options, Ct);
        await using var session = after;
        Assert.True(welcome.Welcomed, welcome.ToString());
        var nodes = JsonDocument.Parse(await api.GetStringAsync(new Uri($"/api/v1/nodes?q={node.NodeKey}", UriKind.Relative), Ct)).RootElement;
        var row = nodes.GetProperty("allowed").GetProperty("items")[0];
        Assert.Equal("lab", row.GetProperty("label").GetString());

        var bad = await api.PostAsJsonAsync(new Uri("/api/v1/addresses/blocked", UriKind.Relative), new { target = "10.0.0.0/33" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalid_argument", JsonDocument.Parse(await bad.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Dashboard_NonLoopbackWithoutTls_RefusesToStart()
    {
        _folder.WriteEnv("CONTROL_SOCKET=ctl.sock\n");
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0", "--dashboard", "0.0.0.0:0");

        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("DASHBOARD_ADDRESS=0.0.0.0:0 can be reached from other hosts", server.Errors, StringComparison.Ordinal);
        Assert.Contains("refusing to listen without TLS", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_SelfSignedCertificate_ServesHttpsAndPrintsItsFingerprint()
    {
        await using var server = await DashboardServer.StartAsync(_folder, "CONTROL_SOCKET=ctl.sock\nDASHBOARD_CERT_FILE=self-signed\n");
        var fingerprint = (await server.Process.WaitForLineAsync("dashboard_certificate path=\\S+ sha256=([0-9a-f]{64})")).Groups[1].Value;
        string? seen = null;
        using var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                seen = Convert.ToHexStringLower(cert!.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));
                return seen == fingerprint;
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = server.Url };

        Assert.Equal("https", server.Url.Scheme);
        var login = await http.GetAsync(new Uri("/login", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(fingerprint, seen);
        Assert.Contains("secure", string.Join("\n", login.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => _folder.Dispose();
}
