using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Playwright driving Chromium) against the real server program and real TLS nodes.
/// Set P2PSECURITY_SCREENSHOTS to a folder to keep screenshots of the main pages there (docs/ holds the last ones).
/// </summary>
public sealed class DashboardBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task Login_WrongTokenRefused_RightTokenShowsTheOverview()
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.Url.ToString() });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/nodes");
        Assert.EndsWith("/login", page.Url, StringComparison.Ordinal);
        Assert.Equal("password", await page.GetAttributeAsync("#token", "type"));
        await page.FillAsync("#token", new string('0', 64));
        await page.ClickAsync("#login");
        Assert.Contains("not the token", await page.TextContentAsync("#error"), StringComparison.Ordinal);

        await page.FillAsync("#token", Server.Token);
        await page.ClickAsync("#login");
        await page.WaitForSelectorAsync("#revision");
        Assert.Contains("whitelist", await page.ContentAsync(), StringComparison.Ordinal);
        await ScreenshotAsync(page, "dashboard-overview.png");
        Assert.DoesNotContain(Server.Token, await page.ContentAsync(), StringComparison.Ordinal);
        await context.CloseAsync();
    }

    [Fact]
    public async Task Nodes_AddInThePage_TheNodesNextConnectionIsWelcomed()
    {
        using var node = NodeIdentity.Create();
        Assert.False((await ConnectAsync(node, "127.0.0.21")).Result.Welcomed);
        var page = await fixture.LoggedInPageAsync();

        await page.GotoAsync("/nodes");
        await page.FillAsync("#add-node input[name=key]", node.NodeKey.ToString());
        await page.FillAsync("#add-node input[name=label]", "added-in-browser");
        await page.ClickAsync("#add-node button");

        Assert.Contains("allow " + node.NodeKey + ": added; revision", await page.TextContentAsync("#message"), StringComparison.Ordinal);
        var (client, result) = await ConnectAsync(node, "127.0.0.21");
        await using var session = client;
        Assert.True(result.Welcomed, result.ToString());
        await page.GotoAsync("/nodes?q=added-in-browser");
        Assert.Contains("127.0.0.21", await page.TextContentAsync($"#nodes tr[data-key='{node.NodeKey}']"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "dashboard-nodes.png");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Nodes_BlockAConnectedNode_SessionEvictedWithinOneSecondAndThePageShowsIt()
    {
        using var node = NodeIdentity.Create();
        using (var api = Server.BearerClient())
        {
            (await api.PostAsJsonAsync(new Uri("/api/v1/nodes/allowed", UriKind.Relative), new { key = node.NodeKey.ToString(), label = "to-block" }, Ct)).EnsureSuccessStatusCode();
        }
        var (client, result) = await ConnectAsync(node, "127.0.0.22");
        await using var session = client;
        Assert.True(result.Welcomed, result.ToString());
        var page = await fixture.LoggedInPageAsync();
        await page.GotoAsync("/nodes");
        var closed = client.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(10));

        // The clock starts when the browser sends the block request (the page's Request event), so the time is the
        // server's (edit, reload, eviction), not Playwright's click dispatch on a loaded machine.
        var clock = new Stopwatch();
        page.Request += (_, r) =>
        {
            if (r.Url.Contains("/ui/nodes/block", StringComparison.Ordinal))
            {
                clock.Start();
            }
        };
        await page.ClickAsync($"#sessions tr[data-key='{node.NodeKey}'] button");
        await closed;
        var elapsed = clock.Elapsed;
        Assert.True(clock.IsRunning, "the block request was not seen");

        Assert.True(elapsed <= Second, $"evicted after {elapsed.TotalMilliseconds:0} ms");
        Assert.Contains("1 session(s) closed", await page.TextContentAsync("#message"), StringComparison.Ordinal);
        // The page lists sessions as the server had them when it rendered, and the registry drops a session when its
        // close completes, which can be a moment after the render: reload until it is gone, bounded.
        var row = page.Locator($"#sessions tr[data-key='{node.NodeKey}']");
        for (var attempt = 0; attempt < 20 && await row.CountAsync() > 0; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            await page.ReloadAsync();
        }
        Assert.Equal(0, await row.CountAsync());
        await page.GotoAsync("/nodes?list=blocked");
        Assert.Equal(1, await page.Locator($"#nodes tr[data-key='{node.NodeKey}']").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Pending_ApproveARefusedNode_ItIsWelcomedNext()
    {
        using var node = NodeIdentity.Create();
        Assert.False((await ConnectAsync(node, "127.0.0.23")).Result.Welcomed);
        var page = await fixture.LoggedInPageAsync();

        await page.GotoAsync("/pending");
        var row = page.Locator($"#pending tr[data-key='{node.NodeKey}']");
        Assert.Contains("127.0.0.23", await row.TextContentAsync(), StringComparison.Ordinal);
        await ScreenshotAsync(page, "dashboard-pending.png");
        await row.Locator("input[name=label]").FillAsync("approved-in-browser");
        await row.Locator("button", new LocatorLocatorOptions { HasText = "Approve" }).ClickAsync();

        Assert.Contains("approve " + node.NodeKey + ": added", await page.TextContentAsync("#message"), StringComparison.Ordinal);
        var (client, result) = await ConnectAsync(node, "127.0.0.23");
        await using var session = client;
        Assert.True(result.Welcomed, result.ToString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Events_ARefusal_AppearsInTheEventsPageWithinOneSecond()
    {
        using var node = NodeIdentity.Create();
        var page = await fixture.LoggedInPageAsync();
        await page.GotoAsync("/events");
        await page.WaitForSelectorAsync("#stream-state:text('live')");

        // The clock starts when the node has its refusal (the server decided it just before): the TLS handshake of
        // a fresh client is not the dashboard's time.
        var (client, result) = await ConnectAsync(node, "127.0.0.24");
        var clock = Stopwatch.StartNew();
        await client.DisposeAsync();
        Assert.False(result.Welcomed);
        await page.WaitForSelectorAsync("#events tbody tr:has-text('127.0.0.24'):has-text('node_not_allowed')", new PageWaitForSelectorOptions { Timeout = 5000 });
        var elapsed = clock.Elapsed;

        Assert.True(elapsed <= Second, $"shown after {elapsed.TotalMilliseconds:0} ms");
        await ScreenshotAsync(page, "dashboard-events.png");

        // The filters by column: the row stays for its own address and reason, and hides for another.
        var row = page.Locator("#events tbody tr:has-text('127.0.0.24'):has-text('node_not_allowed')").First;
        await page.FillAsync("#filter-address", "127.0.0.24");
        await page.FillAsync("#filter-reason", "node_not_allowed");
        Assert.True(await row.IsVisibleAsync());
        await page.FillAsync("#filter-reason", "ip_blocked");
        Assert.False(await row.IsVisibleAsync());
        await page.FillAsync("#filter-reason", "");
        await page.FillAsync("#filter-key", node.NodeKey.ToString()[..12]);
        Assert.True(await row.IsVisibleAsync());
        await page.FillAsync("#filter-event", "dashboard_login");
        Assert.False(await row.IsVisibleAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Page_PostWithoutAntiforgeryToken_IsRefused()
    {
        var page = await fixture.LoggedInPageAsync();
        await page.GotoAsync("/addresses");
        var target = "203.0.113.77";

        // The logged-in browser posts the form with its antiforgery field removed, as a forged cross-site form would.
        await page.EvaluateAsync("document.querySelector('#block-address input[name=__RequestVerificationToken]').remove()");
        await page.FillAsync("#block-address input[name=target]", target);
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#block-address button"), r => r.Url.Contains("/ui/addresses/block", StringComparison.Ordinal));

        Assert.Equal((int)HttpStatusCode.BadRequest, response.Status);
        Assert.DoesNotContain(target, await File.ReadAllTextAsync(fixture.Folder.EnvPath, Ct), StringComparison.Ordinal);
        await page.GotoAsync("/addresses");
        await page.FillAsync("#block-address input[name=target]", target);
        await page.ClickAsync("#block-address button");
        Assert.Contains("block_address " + target + ": added", await page.TextContentAsync("#message"), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    private Task<(NodeClient Client, HandshakeResult Result)> ConnectAsync(NodeIdentity node, string local) =>
        NodeClient.ConnectAndHandshakeAsync(new NodeClientOptions
        {
            Server = Server.EndPoint,
            LocalAddress = IPAddress.Parse(local),
            Identity = node,
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
}
