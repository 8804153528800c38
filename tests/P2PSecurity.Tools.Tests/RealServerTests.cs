using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// The tools against the real server process, with real nodes connecting over TLS: what an operator does.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RealServerTests
{
    [Fact]
    public async Task Tools_AgainstRunningServer_ChangesAreInForceWhenTheCommandReturns()
    {
        var alice = NodeIdentity.Create();
        var bob = NodeIdentity.Create();
        using var folder = new TempFolder(
            $"# operators' comment stays\nALLOWED_NODE_KEYS={alice.NodeKey}\nMAX_CONNECTIONS_PER_IP=10\nCONNECTION_RATE_LIMIT=600/min\n");
        await using var server = await ServerProcess.StartAsync(folder.EnvPath);
        var ct = TestContext.Current.CancellationToken;

        // A whitelisted node is welcomed, and the server's status sees it.
        var (aliceClient, aliceHello) = await NodeClient.ConnectAndHandshakeAsync(Options(server, alice, "127.0.0.2"), ct);
        await using var aliceSession = aliceClient;
        Assert.True(aliceHello.Welcomed, aliceHello.ToString());
        var status = await ToolProcess.RunAsync("reload_security", folder.Path, "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using (var json = JsonDocument.Parse(status.Out))
        {
            var live = json.RootElement.GetProperty("status");
            Assert.Equal(1, live.GetProperty("authenticated_connections").GetInt32());
            var byNode = live.GetProperty("connections_by_node").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
            Assert.Contains(byNode, n => n is not null && alice.NodeKey.ToString().StartsWith(n.TrimEnd('.', '…'), StringComparison.Ordinal));
        }

        // Bob is refused until an operator adds him; right after `add` returns, his next connection is welcomed.
        Assert.Equal(DenyReason.NodeNotAllowed, (await HandshakeAsync(server, bob, "127.0.0.3", ct)).Reason);
        var add = await ToolProcess.RunAsync("manage_trusted_nodes", folder.Path, "add", bob.NodeKey.ToString(), "--label", "bob");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.True((await HandshakeAsync(server, bob, "127.0.0.3", ct)).Welcomed);

        // Removing Alice closes her live session with a refusal, and her next connection is refused.
        var remove = await ToolProcess.RunAsync("manage_trusted_nodes", folder.Path, "remove", alice.NodeKey.ToString());
        Assert.True(remove.ExitCode == 0, remove.ToString());
        var evicted = await ReceiveUntilClosedAsync(aliceSession, ct);
        Assert.Equal(DenyReason.NodeNotAllowed, Assert.IsType<RefusalMessage>(evicted).Reason);
        Assert.Equal(DenyReason.NodeNotAllowed, (await HandshakeAsync(server, alice, "127.0.0.2", ct)).Reason);
        Assert.StartsWith("# operators' comment stays\n", File.ReadAllText(folder.EnvPath), StringComparison.Ordinal);

        // An invalid edit is refused by `reload` with exit 1 and the revision in force stays.
        var revision = await RevisionAsync(folder);
        File.AppendAllText(folder.EnvPath, "BLOCKED_IP_ADDRESSES=10.0.0.0/33\n");
        var reload = await ToolProcess.RunAsync("reload_security", folder.Path, "reload");
        Assert.True(reload.ExitCode == 1, reload.ToString());
        Assert.Contains("'10.0.0.0/33' is not a valid CIDR (IPv4 prefix is 0-32)", reload.Out + reload.Err, StringComparison.Ordinal);
        Assert.Equal(revision, await RevisionAsync(folder));
        Assert.True((await HandshakeAsync(server, bob, "127.0.0.3", ct)).Welcomed);

        // Once the server is gone, the tools say so with exit code 2.
        await server.StopAsync();
        var down = await ToolProcess.RunAsync("reload_security", folder.Path, "status");
        Assert.True(down.ExitCode == 2, down.ToString());
    }

    private static NodeClientOptions Options(ServerProcess server, NodeIdentity identity, string local) => new()
    {
        Server = server.EndPoint,
        Identity = identity,
        LocalAddress = IPAddress.Parse(local),
    };

    private static async Task<HandshakeResult> HandshakeAsync(ServerProcess server, NodeIdentity identity, string local, CancellationToken ct)
    {
        var (client, result) = await NodeClient.ConnectAndHandshakeAsync(Options(server, identity, local), ct);
        await using (client)
        {
            if (result.Welcomed)
            {
                await client.GoodbyeAsync(ct);
            }
        }
        return result;
    }

    /// <summary>The last message before the server closed the session.</summary>
    private static async Task<NodeMessage?> ReceiveUntilClosedAsync(NodeClient client, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        NodeMessage? last = null;
        while (await client.ReceiveAsync(timeout.Token) is { } message)
        {
            last = message;
        }
        return last;
    }

    private static async Task<long> RevisionAsync(TempFolder folder)
    {
        var status = await ToolProcess.RunAsync("reload_security", folder.Path, "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using var json = JsonDocument.Parse(status.Out);
        return json.RootElement.GetProperty("status").GetProperty("policy_revision").GetInt64();
    }
}
