using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>
/// A reload that turns whitelist mode off is never silent, whoever made it: here nobody ran a tool, the file was
/// edited by hand and the server's watcher applied it (issue 10, "the last allowed key").
/// </summary>
public sealed class PolicyOpenedTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Reload_AllowListEmptiedByHand_LogsPolicyOpenedWarningWithTheRevisionAndTheNodeIsOpen()
    {
        using var trusted = TestIdentities.Create();
        using var stranger = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, $"ALLOWED_NODE_KEYS={trusted.NodeKey}\n");
        var (refused, before) = await server.ConnectAsync(stranger, "127.0.0.60");
        await using (refused)
        {
            Assert.Equal(DenyReason.NodeNotAllowed, before.Reason);
        }
        var reloaded = new TaskCompletionSource<ReloadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Manager.PolicyChanged += (_, e) => reloaded.TrySetResult(e.Result);

        _folder.ReplaceEnv("ALLOWED_NODE_KEYS=\n");
        var reload = await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(2, reload.Revision);
        Assert.Equal(("whitelist", "open", true), (reload.ModeChange!.From, reload.ModeChange.To, reload.ModeChange.OpensWhitelist));
        await Wait.UntilAsync(() => _folder.ReadLog().Contains("policy_opened", StringComparison.Ordinal), "policy_opened in the security log");
        var opened = Assert.Single(_folder.ReadLog().Split('\n'), l => l.Contains("policy_opened", StringComparison.Ordinal));
        Assert.Contains("policy_opened revision=2 ", opened, StringComparison.Ordinal);
        Assert.Contains("whitelist mode is off; the node admits any authenticated node (was: whitelist (1 allowed keys))", opened, StringComparison.Ordinal);
        Assert.Contains("WRN", opened, StringComparison.Ordinal);
        // What the warning says is what happened: the stranger is now welcomed.
        await using var welcomed = await server.ConnectWelcomedAsync(stranger, "127.0.0.61");
    }

    public void Dispose() => _folder.Dispose();
}
