using System.Diagnostics;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>
/// A reload evicts every connection past the accept gate that it now refuses, not only welcomed sessions: one still
/// in TLS, one waiting for its ClientHello, an anonymous session, a session proven with a network key no longer in
/// force. Each is closed within a second, with a Refusal where TLS is up.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class EvictionTests : IDisposable
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Reload_AddressBlockedWhileInTls_ClosesWithinOneSecond()
    {
        await using var server = await TestServer.StartAsync(_folder, "");
        await using var raw = await RawConnection.ConnectAsync(server.EndPoint, "127.0.0.50");
        // The header of a TLS handshake record announcing 80 bytes, and nothing more: TLS has started, not finished.
        await raw.SendAsync([0x16, 0x03, 0x01, 0x00, 0x50]);
        await Wait.UntilAsync(() => server.Manager.LiveConnections.Count == 1, "the connection to be admitted");

        _folder.ReplaceEnv("BLOCKED_IP_ADDRESSES=127.0.0.50\n");
        var (bytes, elapsed) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(0, bytes); // no TLS, so no Refusal: the connection is just closed
        Assert.True(elapsed < OneSecond, $"closed after {elapsed.TotalMilliseconds:0} ms");
        await Wait.UntilAsync(() => server.Manager.LiveConnections.Count == 0, "the slot to be released");
    }

    [Theory]
    [InlineData(DenyReason.NodeBlocked)]
    [InlineData(DenyReason.NodeNotAllowed)]
    [InlineData(DenyReason.IpBlocked)]
    public async Task Reload_RefusedWhileWaitingForClientHello_IsRefusedWithinOneSecond(DenyReason reason)
    {
        using var node = TestIdentities.Create();
        using var other = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "");
        await using var client = await NodeClient.ConnectAsync(server.Options(node, "127.0.0.51"), TestContext.Current.CancellationToken);
        Assert.IsType<ServerHelloMessage>(await client.ReceiveWithinAsync());

        var clock = Stopwatch.StartNew();
        _folder.ReplaceEnv(reason switch
        {
            DenyReason.NodeBlocked => $"BLOCKED_NODE_KEYS={node.NodeKey}\n",
            DenyReason.NodeNotAllowed => $"ALLOWED_NODE_KEYS={other.NodeKey}\n",
            _ => "BLOCKED_IP_ADDRESSES=127.0.0.51\n",
        });
        var refusal = await client.ReceiveAsync<RefusalMessage>(TimeSpan.FromSeconds(3));
        var closed = await client.ReceiveWithinAsync(TimeSpan.FromSeconds(3));
        var elapsed = clock.Elapsed;

        Assert.Equal(reason, refusal.Reason);
        Assert.Null(closed);
        Assert.True(elapsed < OneSecond, $"closed after {elapsed.TotalMilliseconds:0} ms");
        // The reload publishes its result after it has told the connections to close: wait for it, not the close.
        await Wait.UntilAsync(() => server.Manager.LastReload.Revision == 2, "the reload's result");
        Assert.Equal(1, server.Manager.LastReload.SessionsClosed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reload_AuthenticationRequiredOrWhitelistOn_EvictsAnonymousSession(bool whitelist)
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "REQUIRE_NODE_AUTHENTICATION=false\n");
        var (anonymous, result) = await server.ConnectAsync(identity: null, "127.0.0.52");
        await using var _ = anonymous;
        Assert.True(result.Welcomed, result.ToString());
        await using var known = await server.ConnectWelcomedAsync(node, "127.0.0.53");

        var clock = Stopwatch.StartNew();
        _folder.ReplaceEnv(whitelist ? $"REQUIRE_NODE_AUTHENTICATION=false\nALLOWED_NODE_KEYS={node.NodeKey}\n" : "REQUIRE_NODE_AUTHENTICATION=true\n");
        var refusal = await anonymous.ReceiveAsync<RefusalMessage>(TimeSpan.FromSeconds(3));
        var closed = await anonymous.ReceiveWithinAsync(TimeSpan.FromSeconds(3));
        var elapsed = clock.Elapsed;

        Assert.Equal(DenyReason.AuthenticationRequired, refusal.Reason);
        Assert.Null(closed);
        Assert.True(elapsed < OneSecond, $"closed after {elapsed.TotalMilliseconds:0} ms");
        // The authenticated node stays; the registry that broadcasts are relayed to no longer holds the anonymous one.
        await known.SendAsync(new PingMessage([1]), TestContext.Current.CancellationToken);
        Assert.IsType<PongMessage>(await known.ReceiveWithinAsync());
        await Wait.UntilAsync(() => server.Sessions.Sessions.All(s => s.NodeKey is not null), "the anonymous session to leave the registry");
        Assert.Single(server.Sessions.Sessions);
    }

    [Fact]
    public async Task Reload_NetworkKeyChanged_EvictsSessionProvenWithTheOldKeyWithProofFailed()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "NETWORK_SECRET_KEY=old network key\n");
        await using var client = await server.ConnectWelcomedAsync(node, "127.0.0.54", secret: "old network key");

        var clock = Stopwatch.StartNew();
        _folder.ReplaceEnv("NETWORK_SECRET_KEY=new network key\n");
        var refusal = await client.ReceiveAsync<RefusalMessage>(TimeSpan.FromSeconds(3));
        var closed = await client.ReceiveWithinAsync(TimeSpan.FromSeconds(3));
        var elapsed = clock.Elapsed;

        Assert.Equal(DenyReason.NetworkKeyProofFailed, refusal.Reason);
        Assert.Null(closed);
        Assert.True(elapsed < OneSecond, $"closed after {elapsed.TotalMilliseconds:0} ms");
        var log = _folder.ReadLog();
        Assert.DoesNotContain("old network key", log, StringComparison.Ordinal);
        Assert.DoesNotContain("new network key", log, StringComparison.Ordinal);
        // The node comes back with the key in force; the old one no longer lets anybody in.
        await using var again = await server.ConnectWelcomedAsync(node, "127.0.0.54", secret: "new network key");
        var (stale, result) = await server.ConnectAsync(node, "127.0.0.54", secret: "old network key");
        await using var __ = stale;
        Assert.Equal(DenyReason.NetworkKeyProofFailed, result.Reason);
    }

    [Fact]
    public async Task Reload_NetworkKeyUnchanged_KeepsProvenSession()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "NETWORK_SECRET_KEY=same network key\n");
        await using var client = await server.ConnectWelcomedAsync(node, "127.0.0.55", secret: "same network key");
        var revision = server.Manager.Policy.Revision;

        _folder.ReplaceEnv("NETWORK_SECRET_KEY=same network key\nMESSAGE_RATE_LIMIT=500/min\n");
        await Wait.UntilAsync(() => server.Manager.Policy.Revision == revision + 1, "the reload");

        await client.SendAsync(new PingMessage([2]), TestContext.Current.CancellationToken);
        Assert.IsType<PongMessage>(await client.ReceiveWithinAsync());
        Assert.Equal(0, server.Manager.LastReload.SessionsClosed);
    }

    public void Dispose() => _folder.Dispose();
}
