using System.Net;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>
/// IPV6_LIMIT_PREFIX on a real server over IPv6 loopback. The only IPv6 loopback address is ::1, so these tests show
/// what a prefix is on the wire (the limits and the pending list count ::1 as its /64, apart from every IPv4 peer);
/// many addresses of one /64 are shown with synthetic addresses in the Core tests (Ipv6PrefixLimitTests). Nothing is
/// skipped: a machine without ::1 fails here, it does not pass.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class Ipv6LoopbackLimitTests : IDisposable
{
    private static readonly TimeSpan PromptClose = TimeSpan.FromSeconds(2);
    private const string Loopback6 = "::1";
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Accept_Ipv6LoopbackOverMaxConnectionsPerIp_RefusedForItsPrefixWhileIpv4IsWelcomed()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "IPV6_LIMIT_PREFIX=64\nMAX_CONNECTIONS_PER_IP=2\nCONNECTION_RATE_LIMIT=100/s\n");
        var over6 = new IPEndPoint(IPAddress.IPv6Loopback, server.Port);
        await using var first = await ConnectWelcomedAsync(node, over6);
        await using var second = await ConnectWelcomedAsync(node, over6);
        // The server saw IPv6 peers, not IPv4-mapped ones: this is the IPv6 counting path.
        Assert.All(server.Status.Sessions, s => Assert.Equal(IPAddress.IPv6Loopback, s.RemoteEndPoint!.Address));

        await using (var third = await RawConnection.ConnectAsync(over6, Loopback6))
        {
            var (bytes, elapsed) = await third.WaitForCloseAsync(PromptClose);
            Assert.Equal(0, bytes); // refused at the accept gate: not a TLS byte
            Assert.True(elapsed < PromptClose);
        }
        // IPv4 loopback is another peer: the /64 of ::1 being full refuses no one else.
        await using var ipv4 = await server.ConnectWelcomedAsync(node, "127.0.0.1");

        Assert.Equal(1, server.Manager.RefusalCounts.GetValueOrDefault(DenyReason.TooManyConnectionsFromIp));
        Assert.Equal(3, server.Status.Sessions.Count);
    }

    [Fact]
    public async Task Accept_PendingCapWithIpv6PrefixBusiest_EvictsFromThePrefixNotTheOldestOverall()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder,
            "MAX_PENDING_HANDSHAKES=4\nMAX_CONNECTIONS_PER_IP=3\nCONNECTION_RATE_LIMIT=100/s\nHANDSHAKE_TIMEOUT=30s\n");
        var over6 = new IPEndPoint(IPAddress.IPv6Loopback, server.Port);
        // The oldest pending handshake of all is an IPv4 one; plain oldest-first would close it.
        await using var ipv4Silent = await RawConnection.ConnectAsync(server.EndPoint, "127.0.5.1");
        await Wait.UntilAsync(() => server.Manager.PendingHandshakes == 1, "the IPv4 silent connection to be accepted");
        var prefixSilent = new List<RawConnection>();
        for (var i = 1; i <= 3; i++)
        {
            prefixSilent.Add(await RawConnection.ConnectAsync(over6, Loopback6));
            await Wait.UntilAsync(() => server.Manager.PendingHandshakes == 1 + i, $"silent IPv6 connection {i} to be accepted");
        }

        // The fifth pending handshake goes over the cap of 4: the /64 of ::1 holds the most (3), so its oldest goes.
        await using var welcomed = await server.ConnectWelcomedAsync(node, "127.0.5.9");
        var (bytes, elapsed) = await prefixSilent[0].WaitForCloseAsync(PromptClose);

        Assert.Equal(0, bytes);
        Assert.True(elapsed < PromptClose, $"the prefix's oldest pending handshake was closed after {elapsed}");
        Assert.True(await ipv4Silent.StaysOpenAsync(TimeSpan.FromMilliseconds(200)));
        Assert.True(await prefixSilent[1].StaysOpenAsync(TimeSpan.FromMilliseconds(50)));
        Assert.True(await prefixSilent[2].StaysOpenAsync(TimeSpan.FromMilliseconds(50)));
        Assert.Equal(1, server.Manager.RefusalCounts.GetValueOrDefault(DenyReason.PendingHandshakeEvicted));
        foreach (var connection in prefixSilent)
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task<NodeClient> ConnectWelcomedAsync(NodeIdentity node, IPEndPoint over6)
    {
        var options = new NodeClientOptions
        {
            Server = over6,
            LocalAddress = IPAddress.IPv6Loopback,
            Identity = node,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        var (client, result) = await NodeClient.ConnectAndHandshakeAsync(options, TestContext.Current.CancellationToken);
        Assert.True(result.Welcomed, $"expected a welcome over ::1, got {result}");
        return client;
    }

    public void Dispose() => _folder.Dispose();
}
