using System.Net;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>Step 1 over real sockets: refused addresses are closed at once, before any TLS byte.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class AcceptGateTests : IDisposable
{
    private static readonly TimeSpan PromptClose = TimeSpan.FromSeconds(2);
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Accept_BlockedAddress_ClosedBeforeAnyTlsByteWhileOtherAddressIsWelcomed()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "BLOCKED_IP_ADDRESSES=127.0.0.2\n");

        await using var blocked = await RawConnection.ConnectAsync(server.EndPoint, "127.0.0.2");
        // A TLS ClientHello's record header: a server that started TLS would answer; this one must say nothing.
        await blocked.SendAsync([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00]);
        var (bytes, elapsed) = await blocked.WaitForCloseAsync(PromptClose);
        await using var allowed = await server.ConnectWelcomedAsync(node, "127.0.0.1");

        Assert.Equal(0, bytes);
        Assert.True(elapsed < PromptClose);
        Assert.Equal(1, server.Manager.RefusalCounts.GetValueOrDefault(DenyReason.IpBlocked));
    }

    [Fact]
    public async Task Accept_SilentAllowedAddress_IsNotClosedByTheGate()
    {
        await using var server = await TestServer.StartAsync(_folder, "BLOCKED_IP_ADDRESSES=127.0.0.2\nHANDSHAKE_TIMEOUT=10s\n");

        await using var raw = await RawConnection.ConnectAsync(server.EndPoint, "127.0.0.3");

        // The control case of the test above: without a block, a silent connection waits for its handshake.
        Assert.True(await raw.StaysOpenAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Theory]
    [InlineData("127.0.0.4")]
    [InlineData("::ffff:127.0.0.4")]
    [InlineData("127.0.0.0/29")]
    public async Task Accept_IPv4BlockOnDualStackListener_BlocksTheMappedPeer(string entry)
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, $"LISTEN_ADDRESS=::\nBLOCKED_IP_ADDRESSES={entry}\n");
        await using var welcomed = await server.ConnectWelcomedAsync(node, "127.0.0.9");
        // The listener is dual-stack: an IPv4 client arrives as ::ffff:a.b.c.d.
        var seen = Assert.Single(server.Status.Sessions).RemoteEndPoint!.Address;
        Assert.True(seen.IsIPv4MappedToIPv6, $"expected an IPv4-mapped address, saw {seen}");

        await using var blocked = await RawConnection.ConnectAsync(server.EndPoint, "127.0.0.4");
        var (bytes, _) = await blocked.WaitForCloseAsync(PromptClose);

        Assert.Equal(0, bytes);
        Assert.Equal(1, server.Manager.RefusalCounts.GetValueOrDefault(DenyReason.IpBlocked));
    }

    [Fact]
    public async Task Accept_OverMaxConnectionsPerIp_IsRefusedUntilOneCloses()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "MAX_CONNECTIONS_PER_IP=2\nCONNECTION_RATE_LIMIT=100/s\n");
        var first = await server.ConnectWelcomedAsync(node, "127.0.0.6");
        await using var second = await server.ConnectWelcomedAsync(node, "127.0.0.6");

        await using (var third = await RawConnection.ConnectAsync(server.EndPoint, "127.0.0.6"))
        {
            var (bytes, _) = await third.WaitForCloseAsync(PromptClose);
            Assert.Equal(0, bytes);
        }
        await using var otherAddress = await server.ConnectWelcomedAsync(node, "127.0.0.7");
        await first.GoodbyeAsync(TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => server.Manager.LiveConnections.Count(s => s.Address.Equals(IPAddress.Parse("127.0.0.6"))) == 1,
            "the closed connection's slot to be released");
        await using var fourth = await server.ConnectWelcomedAsync(node, "127.0.0.6");

        Assert.Equal(1, server.Manager.RefusalCounts.GetValueOrDefault(DenyReason.TooManyConnectionsFromIp));
    }

    [Fact]
    public async Task Accept_OverConnectionRate_IsRefused()
    {
        await using var server = await TestServer.StartAsync(_folder, "CONNECTION_RATE_LIMIT=3/min\nMAX_CONNECTIONS_PER_IP=10\nHANDSHAKE_TIMEOUT=10s\n");
        var open = new List<RawConnection>();
        for (var i = 0; i < 3; i++)
        {
            open.Add(await RawConnection.ConnectAsync(server.EndPoint, "127.0.0.8"));
        }
        await using var fourth = await RawConnection.ConnectAsync(server.EndPoint, "127.0.0.8");
        // Under the whole suite on 2 cores this close has been seen to take over 2 s; 5 s is still well inside the
        // 10 s HANDSHAKE_TIMEOUT, so a connection the gate had admitted would still be open then and fail the test.
        var (bytes, _) = await fourth.WaitForCloseAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(0, bytes);
        Assert.Equal(1, server.Manager.RefusalCounts.GetValueOrDefault(DenyReason.ConnectionRateExceeded));
        Assert.True(await open[0].StaysOpenAsync(TimeSpan.FromMilliseconds(100)));
        foreach (var connection in open)
        {
            await connection.DisposeAsync();
        }
    }

    public void Dispose() => _folder.Dispose();
}
