using Microsoft.Playwright;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Dashboard;

/// <summary>
/// One Chromium (Debian's, /usr/bin/chromium: browsers cannot be downloaded here) and one real server with its
/// dashboard for a whole test class; each test gets a fresh browser context, so logins do not leak between tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>In whitelist mode with a key no test uses, so every test's node starts refused.</summary>
    public static readonly string PlaceholderKey = new('d', 64);

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public TempFolder Folder { get; } = new();

    public DashboardServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install the Debian package 'chromium' (.ci/run does)");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        Server = await DashboardServer.StartAsync(Folder, $"CONTROL_SOCKET=ctl.sock\nALLOWED_NODE_KEYS={PlaceholderKey}\nLOG_SECURITY_EVENTS=true\n");
    }

    /// <summary>
    /// A new context and page with the class's login: the login form is used once per class, and later contexts
    /// start from its cookies, because the server allows 5 login attempts per minute per address and every test
    /// comes from 127.0.0.1.
    /// </summary>
    public async Task<IPage> LoggedInPageAsync()
    {
        var options = new BrowserNewContextOptions { BaseURL = Server.Url.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 900 } };
        await _loginGate.WaitAsync();
        try
        {
            if (_storageState is null)
            {
                var first = await Browser.NewContextAsync(options);
                var login = await first.NewPageAsync();
                await login.GotoAsync("/login");
                await login.FillAsync("#token", Server.Token);
                await login.ClickAsync("#login");
                // Logged in once the overview is committed; its load event (charts, the events stream) is not what is tested.
                await login.WaitForURLAsync(Server.Url.ToString(), new() { WaitUntil = WaitUntilState.Commit });
                _storageState = await first.StorageStateAsync();
                await first.CloseAsync();
            }
        }
        finally
        {
            _loginGate.Release();
        }
        options.StorageState = _storageState;
        var context = await Browser.NewContextAsync(options);
        return await context.NewPageAsync();
    }

    private readonly SemaphoreSlim _loginGate = new(1, 1);
    private string? _storageState;

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        Folder.Dispose();
    }
}
