using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Secrets;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Dashboard;

/// <summary>
/// The Policy and Network key pages in a real browser, on a server of their own (a network key set here would
/// refuse the other browser tests' nodes).
/// </summary>
public sealed partial class PolicyPagesBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    // Distinctive: neither may appear in any page, JSON answer, log line or server output.
    private const string FirstKey = "first-KEY-7d1c-browser-rotation";
    private const string SecondKey = "second-KEY-4a9e-browser-rotation";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task NetworkKey_RotateInThePage_PreviewsTheSessionsThenSaves_AndTheSecretIsInNoResponse()
    {
        using var node = NodeIdentity.Create();
        using (var api = Server.BearerClient())
        {
            (await api.PostAsJsonAsync(new Uri("/api/v1/nodes/allowed", UriKind.Relative), new { key = node.NodeKey.ToString() }, Ct)).EnsureSuccessStatusCode();
        }
        var (client, hello) = await ConnectAsync(node, null, "127.0.0.31");
        await using var session = client;
        Assert.True(hello.Welcomed, hello.ToString());
        var page = await fixture.LoggedInPageAsync();
        var seen = Record(page);

        await page.GotoAsync("/network-key");
        Assert.Equal("password", await page.GetAttributeAsync("#new-key", "type"));
        Assert.Equal("no network key", await page.TextContentAsync("#fingerprint"));
        // Validation: too short, then two keys that differ; nothing is written.
        await page.FillAsync("#new-key", "short");
        await page.FillAsync("#confirm-key", "short");
        await page.EvaluateAsync("document.getElementById('new-key').removeAttribute('minlength')");
        await page.ClickAsync("#save-key");
        Assert.Contains("too short", await page.TextContentAsync("#message"), StringComparison.Ordinal);
        await page.FillAsync("#new-key", FirstKey);
        await page.FillAsync("#confirm-key", FirstKey + "x");
        await page.ClickAsync("#save-key");
        Assert.Contains("the two keys typed differ", await page.TextContentAsync("#message"), StringComparison.Ordinal);
        // The secret-file rule: a key is never written into a policy file that group or others can read.
        File.SetUnixFileMode(fixture.Folder.EnvPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await page.FillAsync("#new-key", FirstKey);
        await page.FillAsync("#confirm-key", FirstKey);
        await page.ClickAsync("#preview-key");
        Assert.Contains("has mode 0644", await page.TextContentAsync("#key-preview-error"), StringComparison.Ordinal);
        Assert.DoesNotContain("NETWORK_SECRET_KEY", await File.ReadAllTextAsync(fixture.Folder.EnvPath, Ct), StringComparison.Ordinal);
        File.SetUnixFileMode(fixture.Folder.EnvPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // Preview: the connected node proved no key, so setting one would close its session.
        var closed = client.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(20));
        await page.FillAsync("#new-key", FirstKey);
        await page.FillAsync("#confirm-key", FirstKey);
        await page.ClickAsync("#preview-key");
        Assert.Contains("this would close 1 session(s)", await page.TextContentAsync("#key-preview-summary"), StringComparison.Ordinal);
        Assert.False(closed.IsCompleted, "the preview closed the session");
        await page.ClickAsync("#save-key");
        Assert.Contains($"network key now fingerprint {KeyFingerprint.Of(FirstKey)}", await page.TextContentAsync("#message"), StringComparison.Ordinal);
        Assert.Contains("1 session(s) closed", await page.TextContentAsync("#message"), StringComparison.Ordinal);
        await closed;
        Assert.Equal(KeyFingerprint.Of(FirstKey), await page.TextContentAsync("#fingerprint"));
        var (proving, welcome) = await ConnectAsync(node, FirstKey, "127.0.0.32");
        await using var provingSession = proving;
        Assert.True(welcome.Welcomed, welcome.ToString());

        // Second rotation, keeping the first key accepted: nobody is closed, and the previous key shows by fingerprint.
        await page.FillAsync("#new-key", SecondKey);
        await page.FillAsync("#confirm-key", SecondKey);
        await page.CheckAsync("#keep-previous");
        await page.ClickAsync("#preview-key");
        Assert.Contains("this would close 0 session(s)", await page.TextContentAsync("#key-preview-summary"), StringComparison.Ordinal);
        await page.ClickAsync("#save-key");
        Assert.Equal(KeyFingerprint.Of(SecondKey), await page.TextContentAsync("#fingerprint"));
        Assert.StartsWith(KeyFingerprint.Of(FirstKey), await page.TextContentAsync("#previous"), StringComparison.Ordinal);
        await page.GotoAsync("/network-key");
        Assert.Contains(KeyFingerprint.Of(FirstKey), await page.TextContentAsync($"#key-sessions"), StringComparison.Ordinal); // still connected, on the old key
        await page.GotoAsync("/policy"); // the file is shown, its secrets masked
        Assert.Contains("NETWORK_SECRET_KEY=<hidden>", await page.InputValueAsync("#policy-text"), StringComparison.Ordinal);
        await page.GotoAsync("/");

        var responses = await seen.AllAsync();
        Assert.Contains(responses, r => r.Url.Contains("/api/v1/network-key", StringComparison.Ordinal));
        Assert.Contains(responses, r => r.Url.EndsWith("/network-key", StringComparison.Ordinal));
        foreach (var (url, body) in responses)
        {
            Assert.DoesNotContain(FirstKey, body, StringComparison.Ordinal);
            Assert.DoesNotContain(SecondKey, body, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(url));
        }
        var logs = Server.Process.Output + Server.Process.Errors + fixture.Folder.ReadLog();
        Assert.DoesNotContain(FirstKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(SecondKey, logs, StringComparison.Ordinal);
        var file = await File.ReadAllTextAsync(fixture.Folder.EnvPath, Ct);
        Assert.Contains($"NETWORK_SECRET_KEY={SecondKey}", file, StringComparison.Ordinal);
        Assert.Contains($"NETWORK_SECRET_KEY_PREVIOUS={FirstKey}", file, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task NetworkKey_RotateAKeyFileInThePage_WritesTheFileKeepsTheOldKeyInDotPrevious_AndTheSecretIsInNoResponse()
    {
        const string InFile = "in-file-KEY-2f6b-browser-rotation";
        const string Rotated = "rotated-KEY-9e13-browser-rotation";
        const string Again = "again-KEY-c4a0-browser-rotation";
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var folder = new TempFolder();
        var keyFile = folder.Write("network.key", InFile + "\n");
        File.SetUnixFileMode(keyFile, OwnerOnly);
        using var node = NodeIdentity.Create();
        await using var server = await DashboardServer.StartAsync(folder,
            $"CONTROL_SOCKET=ctl.sock\nALLOWED_NODE_KEYS={node.NodeKey}\nNETWORK_SECRET_KEY_FILE=network.key\nLOG_SECURITY_EVENTS=true\n");
        File.SetUnixFileMode(folder.EnvPath, OwnerOnly);
        var (client, hello) = await ConnectAsync(server, node, InFile, "127.0.0.33");
        await using var session = client;
        Assert.True(hello.Welcomed, hello.ToString());
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Url.ToString() });
        var page = await context.NewPageAsync();
        var seen = Record(page);
        await page.GotoAsync("/login");
        await page.FillAsync("#token", server.Token);
        await page.ClickAsync("#login");
        // Logged in once the overview is committed; its load event (charts, the events stream) is not what is tested.
        await page.WaitForURLAsync(server.Url.ToString(), new() { WaitUntil = WaitUntilState.Commit });

        await page.GotoAsync("/network-key");
        Assert.Equal(KeyFingerprint.Of(InFile), await page.TextContentAsync("#fingerprint"));
        Assert.Contains($"Save writes the new key into {keyFile}", await page.TextContentAsync("#rotate-target"), StringComparison.Ordinal);
        // Preview from the candidate key, nothing written: keeping the old key closes nobody, dropping it closes the node.
        var closed = client.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(30));
        await page.FillAsync("#new-key", Rotated);
        await page.FillAsync("#confirm-key", Rotated);
        await page.ClickAsync("#preview-key");
        Assert.Contains("this would close 0 session(s)", await page.TextContentAsync("#key-preview-summary"), StringComparison.Ordinal);
        await page.UncheckAsync("#keep-previous");
        await page.ClickAsync("#preview-key");
        Assert.Contains("this would close 1 session(s)", await page.TextContentAsync("#key-preview-summary"), StringComparison.Ordinal);
        Assert.Equal(InFile + "\n", await File.ReadAllTextAsync(keyFile, Ct));
        Assert.False(File.Exists(keyFile + ".previous"));

        await page.CheckAsync("#keep-previous");
        await page.ClickAsync("#save-key");
        Assert.Contains($"network key now fingerprint {KeyFingerprint.Of(Rotated)}", await page.TextContentAsync("#message"), StringComparison.Ordinal);
        Assert.Equal(KeyFingerprint.Of(Rotated), await page.TextContentAsync("#fingerprint"));
        Assert.StartsWith(KeyFingerprint.Of(InFile), await page.TextContentAsync("#previous"), StringComparison.Ordinal);
        Assert.Equal(Rotated + "\n", await File.ReadAllTextAsync(keyFile, Ct));
        Assert.Equal(InFile + "\n", await File.ReadAllTextAsync(keyFile + ".previous", Ct));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(keyFile));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(keyFile + ".previous"));
        Assert.Contains($"NETWORK_SECRET_KEY_PREVIOUS_FILE={keyFile}.previous", await File.ReadAllTextAsync(folder.EnvPath, Ct), StringComparison.Ordinal);
        Assert.False(closed.IsCompleted, "the session proven with the kept key was closed");
        var (proving, welcome) = await ConnectAsync(server, node, Rotated, "127.0.0.34");
        await using var provingSession = proving;
        Assert.True(welcome.Welcomed, welcome.ToString());

        // Again, dropping the previous key: the session on the first key closes and the .previous file goes.
        await page.FillAsync("#new-key", Again);
        await page.FillAsync("#confirm-key", Again);
        await page.UncheckAsync("#keep-previous");
        await page.ClickAsync("#save-key");
        Assert.Contains($"network key now fingerprint {KeyFingerprint.Of(Again)}", await page.TextContentAsync("#message"), StringComparison.Ordinal);
        Assert.Contains("session(s) closed", await page.TextContentAsync("#message"), StringComparison.Ordinal);
        await closed.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("none", await page.TextContentAsync("#previous"));
        Assert.False(File.Exists(keyFile + ".previous"), "the previous key was left on disk");
        Assert.Equal(Again + "\n", await File.ReadAllTextAsync(keyFile, Ct));
        await page.GotoAsync("/policy");
        await page.GotoAsync("/");

        var responses = await seen.AllAsync();
        Assert.Contains(responses, r => r.Url.Contains("/api/v1/network-key", StringComparison.Ordinal));
        var env = await File.ReadAllTextAsync(folder.EnvPath, Ct);
        var logs = server.Process.Output + server.Process.Errors + folder.ReadLog();
        foreach (var text in responses.Select(r => r.Body).Append(env).Append(logs))
        {
            Assert.DoesNotContain(InFile, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Rotated, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Again, text, StringComparison.Ordinal);
        }
        await context.CloseAsync();
    }

    [Fact]
    public async Task Policy_EditCheckAndApplyInThePage_WritesTheTextAndShowsTheRevisionInForce()
    {
        var page = await fixture.LoggedInPageAsync();
        await page.GotoAsync("/policy");
        var before = await File.ReadAllTextAsync(fixture.Folder.EnvPath, Ct);
        var secret = SecretLine().Match(before).Value; // set when the key test ran first: must survive untouched
        var text = await page.InputValueAsync("#policy-text");
        Assert.Contains("ALLOWED_NODE_KEYS", text, StringComparison.Ordinal);

        await page.FillAsync("#policy-text", text + "MAX_CONNECTIONS_PER_IP=lots\n");
        await page.ClickAsync("#check");
        Assert.Contains("INVALID", await page.TextContentAsync("#check-summary"), StringComparison.Ordinal);
        Assert.Contains("MAX_CONNECTIONS_PER_IP", await page.TextContentAsync("#check-diagnostics"), StringComparison.Ordinal);
        await page.ClickAsync("#apply");
        Assert.Contains("not a valid policy", await page.TextContentAsync("#error"), StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(fixture.Folder.EnvPath, Ct));

        await page.FillAsync("#policy-text", text + "# applied in the browser\nMAX_CONNECTIONS_PER_IP=33\n");
        await page.ClickAsync("#check");
        Assert.StartsWith("valid; 1 change(s)", await page.TextContentAsync("#check-summary"), StringComparison.Ordinal);
        Assert.Contains("MAX_CONNECTIONS_PER_IP", await page.TextContentAsync("#changes"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "dashboard-policy.png");
        await page.ClickAsync("#apply");

        var message = await page.TextContentAsync("#message");
        Assert.Matches(@"^file written; revision \d+ in force", message);
        var revision = long.Parse(Regex.Match(message!, @"revision (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(revision.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.TextContentAsync("#revision"));
        var after = await File.ReadAllTextAsync(fixture.Folder.EnvPath, Ct);
        Assert.EndsWith("# applied in the browser\nMAX_CONNECTIONS_PER_IP=33\n", after, StringComparison.Ordinal);
        Assert.Equal(secret, SecretLine().Match(after).Value);
        using var api = Server.BearerClient();
        var status = await api.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri("/api/v1/status", UriKind.Relative), Ct);
        Assert.Equal(33, status.GetProperty("status").GetProperty("limits").GetProperty("max_connections_per_ip").GetInt32());
        await page.Context.CloseAsync();
    }

    private Task<(NodeClient Client, HandshakeResult Result)> ConnectAsync(NodeIdentity node, string? secret, string local) =>
        ConnectAsync(Server, node, secret, local);

    private static Task<(NodeClient Client, HandshakeResult Result)> ConnectAsync(DashboardServer server, NodeIdentity node, string? secret, string local) =>
        NodeClient.ConnectAndHandshakeAsync(new NodeClientOptions
        {
            Server = server.EndPoint,
            LocalAddress = IPAddress.Parse(local),
            Identity = node,
            NetworkSecret = secret,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        }, Ct);

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        Assert.NotEmpty(bytes);
        if (Environment.GetEnvironmentVariable("P2PSECURITY_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, name), bytes, Ct);
        }
    }

    /// <summary>Every HTML and JSON body the page receives, read as it arrives.</summary>
    private static ResponseLog Record(IPage page)
    {
        var log = new ResponseLog();
        page.Response += (_, r) => log.Add(r);
        return log;
    }

    private sealed class ResponseLog
    {
        private readonly List<Task<(string Url, string Body)>> _reads = [];
        private readonly Lock _lock = new();

        public void Add(IResponse response)
        {
            var type = response.Headers.TryGetValue("content-type", out var t) ? t : "";
            if (response.Status is < 200 or >= 300 || !(type.Contains("html", StringComparison.Ordinal) || type.Contains("json", StringComparison.Ordinal)))
            {
                return;
            }
            lock (_lock)
            {
                _reads.Add(ReadAsync(response));
            }
        }

        public async Task<List<(string Url, string Body)>> AllAsync()
        {
            Task<(string, string)>[] reads;
            lock (_lock)
            {
                reads = [.. _reads];
            }
            return [.. await Task.WhenAll(reads)];
        }

        private static async Task<(string, string)> ReadAsync(IResponse response) => (response.Url, await response.TextAsync());
    }

    [GeneratedRegex(@"(?m)^NETWORK_SECRET_KEY.*$")]
    private static partial Regex SecretLine();
}
