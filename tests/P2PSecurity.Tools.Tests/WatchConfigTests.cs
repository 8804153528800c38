using System.Runtime.Versioning;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Tools.Tests;

[SupportedOSPlatform("linux")]
public sealed class WatchConfigTests
{
    private const string Tool = "watch_config";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task EditByRename_IsSeenThroughFileEventsAndReloadsTheServer_CtrlCStopsCleanly()
    {
        var key = LiveServer.NewKey();
        await using var server = await LiveServer.StartAsync("MAX_CONNECTIONS_PER_IP=3\n");
        // A 60 s poll interval: only a file event can make the reload happen within the test's patience.
        using var watch = ToolProcess.Start(Tool, server.Folder.Path, "60", "--env-file", server.EnvPath);
        await watch.WaitForLineAsync(l => l.Contains(" watching ", StringComparison.Ordinal), Patience);
        await watch.WaitForLineAsync(l => l.Contains("file valid", StringComparison.Ordinal), Patience);

        var temp = server.Folder.File(".env.new");
        File.WriteAllText(temp, $"MAX_CONNECTIONS_PER_IP=3\nALLOWED_NODE_KEYS={key}\n");
        File.Move(temp, server.EnvPath, overwrite: true);

        var line = await watch.WaitForLineAsync(l => l.Contains("server reloaded: revision 2 in force", StringComparison.Ordinal), Patience);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d server reloaded", line);
        Assert.Contains((IEnumerable<NodeKey>)server.Manager.Policy.AllowedNodeKeys, k => k == NodeKey.Parse(key));

        watch.Interrupt();
        Assert.Equal(0, await watch.WaitForExitAsync(Patience));
        await watch.WaitForLineAsync(l => l.EndsWith(" stopped", StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task InvalidMissingAndServerDown_AreReportedAndWatchingGoesOn()
    {
        using var folder = new TempFolder("MAX_CONNECTIONS_PER_IP=3\n");
        using var watch = ToolProcess.Start(Tool, folder.Path, "0.2", "--env-file", folder.EnvPath);
        await watch.WaitForLineAsync(l => l.Contains("file valid", StringComparison.Ordinal), Patience);

        File.WriteAllText(folder.EnvPath, "MAX_CONNECTIONS_PER_IP=lots\n");
        await watch.WaitForLineAsync(l => l.Contains("error: MAX_CONNECTIONS_PER_IP line 1: 'lots' is not a whole number", StringComparison.Ordinal), Patience);

        File.Delete(folder.EnvPath);
        await watch.WaitForLineAsync(l => l.Contains("file missing; the server keeps its policy in force", StringComparison.Ordinal), Patience);

        File.WriteAllText(folder.EnvPath, "MAX_CONNECTIONS_PER_IP=5\n");
        await watch.WaitForLineAsync(l => l.Contains($"server not reachable (no control socket at {folder.SocketPath})", StringComparison.Ordinal), Patience);

        await using var server = await LiveServer.StartAsync(folder);
        File.WriteAllText(folder.EnvPath, "MAX_CONNECTIONS_PER_IP=6\n");
        await watch.WaitForLineAsync(l => l.Contains("server reloaded: revision 2 in force", StringComparison.Ordinal), Patience);
        Assert.Equal(6, server.Manager.Policy.MaxConnectionsPerIp);
        Assert.False(watch.HasExited);
    }
}
