using System.Net;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// <c>reload_security dashboard-url</c> and <c>dashboard-password</c> against the real server with its dashboard:
/// a one-time login link that works once and never carries the token; a password stored only as a salted hash.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class DashboardLoginToolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DashboardUrl_CodeLogsInOnce_SecondUseFails_NeitherCodeNorTokenInUrlOrLogs()
    {
        using var folder = new TempFolder("MAX_CONNECTIONS_PER_IP=20\n");
        await using var server = await ServerProcess.StartAsync(folder.Path, folder.EnvPath, ["--env-file", folder.EnvPath, "--port", "0", "--dashboard", "127.0.0.1:0"]);
        var token = File.ReadAllText(folder.File("dashboard.token")).Trim();

        var run = await ToolProcess.RunAsync("reload_security", folder.Path, "dashboard-url", "--env-file", folder.EnvPath);

        Assert.True(run.ExitCode == 0, run.ToString());
        var url = new Uri(run.Out.Trim());
        Assert.StartsWith(DashboardUrl(server).ToString(), url.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, run.Out + run.Err, StringComparison.Ordinal);
        Assert.Contains("works once, until", run.Err, StringComparison.Ordinal);
        var code = CodeIn().Match(url.Query).Groups[1].Value;
        Assert.Equal(32, code.Length);

        using var first = Client(url);
        var firstLogin = await PostCodeAsync(first, url);
        Assert.Equal(HttpStatusCode.Redirect, firstLogin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync(new Uri("/", UriKind.Relative), Ct)).StatusCode);

        using var second = Client(url);
        var again = await PostCodeAsync(second, url);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Contains("expired or was used already", await again.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync(new Uri("/", UriKind.Relative), Ct)).StatusCode);

        await WaitForOutputAsync(server, "reason=bad_login_code");
        Assert.Contains("method=one_time_code", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(code, server.Output + server.Errors + AllFiles(folder), StringComparison.Ordinal);
        Assert.DoesNotContain(token, server.Output + server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashboardPassword_FromStdin_LogsInInsteadOfTheToken_FileHoldsOnlyASaltedHash()
    {
        const string Password = "correct-horse-battery-staple-42";
        using var folder = new TempFolder("MAX_CONNECTIONS_PER_IP=20\n");
        await using var server = await ServerProcess.StartAsync(folder.Path, folder.EnvPath, ["--env-file", folder.EnvPath, "--port", "0", "--dashboard", "127.0.0.1:0"]);
        var token = File.ReadAllText(folder.File("dashboard.token")).Trim();

        using (var tooShort = ToolProcess.Start("reload_security", folder.Path, "dashboard-password", "--env-file", folder.EnvPath))
        {
            tooShort.Input("short\n");
            Assert.Equal(3, await tooShort.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("too short", tooShort.Err, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(folder.File("dashboard.password")));

        using var set = ToolProcess.Start("reload_security", folder.Path, "dashboard-password", "--env-file", folder.EnvPath);
        set.Input(Password + "\n");
        Assert.True(await set.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, set.Out + set.Err);

        var file = folder.File("dashboard.password");
        var stored = File.ReadAllText(file);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Matches(@"^pbkdf2-sha256\$600000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}\n$", stored);
        Assert.DoesNotContain(Password, stored + set.Out + set.Err + server.Output + server.Errors + AllFiles(folder), StringComparison.Ordinal);

        var url = DashboardUrl(server);
        using var withToken = Client(url);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(withToken, "token", token)).StatusCode);
        using var wrong = Client(url);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(wrong, "password", Password + "x")).StatusCode);
        using var right = Client(url);
        Assert.Equal(HttpStatusCode.Redirect, (await LoginAsync(right, "password", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync(new Uri("/", UriKind.Relative), Ct)).StatusCode);
        await WaitForOutputAsync(server, "method=password");
        Assert.Contains("reason=wrong_password", server.Output, StringComparison.Ordinal);
    }

    private static Uri DashboardUrl(ServerProcess server) => new(DashboardLine().Match(server.Output).Groups[1].Value);

    private static HttpClient Client(Uri url) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(url.GetLeftPart(UriPartial.Authority)) };

    /// <summary>Opens the link (which only shows a button), then presses the button: the POST spends the code.</summary>
    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, Uri url)
    {
        var page = await client.GetStringAsync(url, Ct);
        return await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = CsrfField().Match(page).Groups[1].Value,
            ["code"] = HiddenCode().Match(page).Groups[1].Value,
        }), Ct);
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string field, string value)
    {
        var page = await client.GetStringAsync(new Uri("/login", UriKind.Relative), Ct);
        return await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = CsrfField().Match(page).Groups[1].Value,
            [field] = value,
        }), Ct);
    }

    private static async Task WaitForOutputAsync(ServerProcess server, string text)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!server.Output.Contains(text, StringComparison.Ordinal))
        {
            await Task.Delay(20, limit.Token);
        }
    }

    /// <summary>Every file the server wrote in the folder (logs, state, token), as text.</summary>
    private static string AllFiles(TempFolder folder) =>
        string.Join('\n', Directory.EnumerateFiles(folder.Path, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".sock", StringComparison.Ordinal))
            .Select(f => File.ReadAllText(f)));

    [GeneratedRegex(@"dashboard_listening url=(\S+)")]
    private static partial Regex DashboardLine();

    [GeneratedRegex(@"code=([0-9a-f]+)")]
    private static partial Regex CodeIn();

    [GeneratedRegex(@"name=""code"" value=""([^""]+)""")]
    private static partial Regex HiddenCode();

    [GeneratedRegex(@"name=""__RequestVerificationToken"" value=""([^""]+)""")]
    private static partial Regex CsrfField();
}
