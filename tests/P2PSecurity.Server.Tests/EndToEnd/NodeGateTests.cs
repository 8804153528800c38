using System.Diagnostics;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>The node gate over real TLS on loopback: who is welcomed, who is refused and with which reason.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class NodeGateTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Handshake_AllowedNode_IsWelcomedWithItsKey()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, $"ALLOWED_NODE_KEYS={node.NodeKey}\n");

        var (client, result) = await server.ConnectAsync(node);
        await using var _ = client;

        Assert.True(result.Welcomed, result.ToString());
        Assert.Equal(node.NodeKey, result.Welcome!.PeerKey);
        Assert.Equal(server.Identity.NodeKey, client.ServerKey);
        await client.SendAsync(new PingMessage([1, 2, 3]), TestContext.Current.CancellationToken);
        var pong = await client.ReceiveAsync<PongMessage>();
        Assert.Equal([1, 2, 3], pong.Data);
    }

    [Fact]
    public async Task Handshake_UnknownNodeInWhitelistMode_IsRefusedWithNodeNotAllowed()
    {
        using var allowed = TestIdentities.Create();
        using var stranger = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, $"ALLOWED_NODE_KEYS={allowed.NodeKey}\n");

        var (client, result) = await server.ConnectAsync(stranger);
        await using var _ = client;

        Assert.False(result.Welcomed);
        Assert.Equal(DenyReason.NodeNotAllowed, result.Reason);
        Assert.Equal("node_not_allowed", result.Refusal!.Text);
        Assert.Null(await client.ReceiveWithinAsync());
    }

    [Fact]
    public async Task Handshake_BlockedNode_IsRefusedWithNodeBlocked()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, $"BLOCKED_NODE_KEYS={node.NodeKey}\n");

        var (client, result) = await server.ConnectAsync(node);
        await using var _ = client;

        Assert.Equal(DenyReason.NodeBlocked, result.Reason);
    }

    [Theory]
    [InlineData(DenyReason.NodeBlocked)]
    [InlineData(DenyReason.NodeNotAllowed)]
    public async Task Handshake_RefusedNodeSilentAfterTls_IsRefusedAtOnceWithoutServerHello(DenyReason reason)
    {
        using var node = TestIdentities.Create();
        using var allowed = TestIdentities.Create();
        var env = reason == DenyReason.NodeBlocked ? $"BLOCKED_NODE_KEYS={node.NodeKey}\n" : $"ALLOWED_NODE_KEYS={allowed.NodeKey}\n";
        await using var server = await TestServer.StartAsync(_folder, env);

        // TLS only: the client never sends its ClientHello. Its key is known once TLS completes, and that is when
        // it is refused, not at HANDSHAKE_TIMEOUT (10 s by default).
        await using var client = await NodeClient.ConnectAsync(server.Options(node, "127.0.0.40"), TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        var first = await client.ReceiveWithinAsync();
        var elapsed = clock.Elapsed;

        var refusal = Assert.IsType<RefusalMessage>(first);
        Assert.Equal(reason, refusal.Reason);
        Assert.Equal(reason.Code(), refusal.Text);
        Assert.Null(await client.ReceiveWithinAsync());
        // The time itself (target under 100 ms) is measured by p2psecurity-stress; on a loaded test machine this
        // only tells an immediate refusal from the 10 s timeout.
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"refused {elapsed.TotalMilliseconds:0} ms after TLS");
        await Wait.UntilAsync(() => server.Manager.LiveConnections.Count == 0, "the refused connection's slot to be released");
        Assert.Equal(1, server.Manager.RefusalCounts[reason]);
    }

    [Fact]
    public async Task Handshake_AllowedNodeSilentAfterTls_GetsServerHello()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, $"ALLOWED_NODE_KEYS={node.NodeKey}\n");

        await using var client = await NodeClient.ConnectAsync(server.Options(node, "127.0.0.41"), TestContext.Current.CancellationToken);

        Assert.IsType<ServerHelloMessage>(await client.ReceiveWithinAsync());
        var slot = Assert.Single(server.Manager.LiveConnections);
        Assert.True(slot.Secured);
        Assert.False(slot.Authenticated);
        Assert.Equal(node.NodeKey, slot.NodeKey);
    }

    [Fact]
    public async Task Handshake_NoCertificate_IsRefusedAtTls()
    {
        await using var server = await TestServer.StartAsync(_folder, "REQUIRE_NODE_AUTHENTICATION=true\n");

        // TLS 1.3 finishes on the client before the server has judged the client's (empty) certificate; the
        // refusal shows as the connection closing before the server's hello.
        var (client, result) = await server.ConnectAsync(identity: null);
        await using var _ = client;

        Assert.False(result.Welcomed);
        Assert.Null(result.Refusal);
        await Wait.UntilAsync(() => server.Manager.RefusalCounts.GetValueOrDefault(DenyReason.AuthenticationRequired) == 1,
            "the authentication_required refusal to be counted");
        Assert.Empty(server.Sessions.Sessions);
    }

    [Fact]
    public async Task Handshake_NoCertificateWhenNotRequired_IsWelcomedAnonymously()
    {
        await using var server = await TestServer.StartAsync(_folder, "REQUIRE_NODE_AUTHENTICATION=false\n");

        var (client, result) = await server.ConnectAsync(identity: null);
        await using var _ = client;

        Assert.True(result.Welcomed, result.ToString());
        Assert.Null(result.Welcome!.PeerKey);
    }

    [Fact]
    public async Task Handshake_RightNetworkKey_IsWelcomedAndServerProvesItToo()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "NETWORK_SECRET_KEY=correct horse battery staple\n");

        var (client, result) = await server.ConnectAsync(node, secret: "correct horse battery staple");
        await using var _ = client;

        // NodeClient checks the server's proof in the Welcome against its own challenge before reporting a welcome.
        Assert.True(result.Welcomed, result.ToString());
        Assert.NotNull(result.Welcome!.Proof);
        Assert.True(client.ServerHello!.NetworkKeyProofRequired);
    }

    [Theory]
    [InlineData("wrong secret")]
    [InlineData(null)]
    public async Task Handshake_WrongOrMissingNetworkKey_IsRefusedWithProofFailed(string? secret)
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "NETWORK_SECRET_KEY=correct horse battery staple\n");

        var (client, result) = await server.ConnectAsync(node, secret: secret);
        await using var _ = client;

        Assert.Equal(DenyReason.NetworkKeyProofFailed, result.Reason);
    }

    [Fact]
    public async Task Handshake_MessageBeforeHello_IsRefusedAsProtocolViolation()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "");
        await using var client = await Core.Protocol.NodeClient.ConnectAsync(server.Options(node), TestContext.Current.CancellationToken);

        Assert.IsType<ServerHelloMessage>(await client.ReceiveWithinAsync());
        await client.SendAsync(new PingMessage([]), TestContext.Current.CancellationToken);

        var refusal = await client.ReceiveAsync<RefusalMessage>();
        Assert.Equal(DenyReason.ProtocolViolation, refusal.Reason);
        Assert.Null(await client.ReceiveWithinAsync());
    }

    public void Dispose() => _folder.Dispose();
}
