using System.Net;
using System.Text.RegularExpressions;

namespace P2PSecurity.Server.Tests.Infrastructure;

/// <summary>The real server program with its dashboard on a free loopback port, and the token it made.</summary>
public sealed partial class DashboardServer : IAsyncDisposable
{
    private DashboardServer(ServerProcess process, TempFolder folder, int port, Uri url)
    {
        Process = process;
        Folder = folder;
        Port = port;
        Url = url;
    }

    public ServerProcess Process { get; }

    public TempFolder Folder { get; }

    /// <summary>The node listener's port.</summary>
    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The dashboard's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Url { get; }

    public string Token => File.ReadAllText(Folder.File("dashboard.token")).Trim();

    public static async Task<DashboardServer> StartAsync(TempFolder folder, string env, params string[] extra)
    {
        folder.WriteEnv(env);
        var process = ServerProcess.Start(folder.Path, ["--env-file", folder.EnvPath, "--port", "0", "--dashboard", "127.0.0.1:0", .. extra]);
        var port = await process.WaitForListeningAsync();
        var url = (await process.WaitForLineAsync(@"dashboard_listening url=(\S+)")).Groups[1].Value;
        await process.WaitForLineAsync("control_listening");
        return new DashboardServer(process, folder, port, new Uri(url));
    }

    /// <summary>An HTTP client for the dashboard that keeps cookies and does not follow redirects.</summary>
    public HttpClient Client(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = Url };

    /// <summary>A client with <c>Authorization: Bearer TOKEN</c>.</summary>
    public HttpClient BearerClient()
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>The antiforgery token of a page (its hidden field), fetched with <paramref name="client"/>'s cookies.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return CsrfField().Match(html).Groups[1].Value;
    }

    /// <summary>Logs <paramref name="client"/> in through the login form.</summary>
    public async Task<HttpResponseMessage> LoginAsync(HttpClient client, string token)
    {
        var csrf = await AntiforgeryTokenAsync(client, "/login");
        return await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = csrf,
            ["token"] = token,
        }), TestContext.Current.CancellationToken);
    }

    [GeneratedRegex(@"name=""__RequestVerificationToken"" value=""([^""]+)""")]
    private static partial Regex CsrfField();

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
