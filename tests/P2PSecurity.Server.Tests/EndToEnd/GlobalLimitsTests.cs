using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>MAX_CONNECTIONS and MAX_PENDING_HANDSHAKES over real sockets on loopback.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class GlobalLimitsTests : IDisposable
{
    private static readonly TimeSpan PromptClose = TimeSpan.FromSeconds(2);
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Accept_PendingCapReached_OldestSilentHandshakeClosedAndAllowedNodeWelcomed()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "MAX_PENDING_HANDSHAKES=3\nHANDSHAKE_TIMEOUT=30s\n");
        var silent = new List<RawConnection>();
        for (var i = 1; i <= 3; i++)
        {
            silent.Add(await RawConnection.ConnectAsync(server.EndPoint, $"127.0.3.{i}"));
            // One at a time, so that "oldest" is well defined: each is past the accept gate before the next dials.
            await Wait.UntilAsync(() => server.Manager.PendingHandshakes == i, $"silent connection {i} to be accepted");
        }

        await using var welcomed = await server.ConnectWelcomedAsync(node, "127.0.3.9");
        var (bytes, elapsed) = await silent[0].WaitForCloseAsync(PromptClose);

        Assert.Equal(0, bytes); // closed before TLS: nothing to tell it
        Assert.True(elapsed < PromptClose, $"the oldest pending handshake was closed after {elapsed}");
        Assert.True(await silent[1].StaysOpenAsync(TimeSpan.FromMilliseconds(200)));
        Assert.True(await silent[2].StaysOpenAsync(TimeSpan.FromMilliseconds(50)));
        Assert.Equal(1, server.Manager.RefusalCounts.GetValueOrDefault(DenyReason.PendingHandshakeEvicted));
        foreach (var connection in silent)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Accept_OverMaxConnections_ClosedBeforeAnyTlsByteUntilOneCloses()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "MAX_CONNECTIONS=2\n");
        var first = await server.ConnectWelcomedAsync(node, "127.0.4.1");
        await using var second = await server.ConnectWelcomedAsync(node, "127.0.4.2");

        await using (var third = await RawConnection.ConnectAsync(server.EndPoint, "127.0.4.3"))
        {
            var (bytes, elapsed) = await third.WaitForCloseAsync(PromptClose);
            Assert.Equal(0, bytes);
            Assert.True(elapsed < PromptClose);
        }
        await first.GoodbyeAsync(TestContext.Current.CancellationToken);
        await first.DisposeAsync();
        await Wait.UntilAsync(() => server.Manager.InboundConnections == 1, "the closed connection's slot to be released");
        await using var later = await server.ConnectWelcomedAsync(node, "127.0.4.3");

        Assert.Equal(1, server.Manager.RefusalCounts.GetValueOrDefault(DenyReason.TooManyConnections));
    }

    public void Dispose() => _folder.Dispose();
}
