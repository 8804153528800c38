using System.Net;
using System.Net.Sockets;
using P2PSecurity.Server.Status;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>A dialled connection that fails gives its slot back through the same close path as an accepted one.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class BootstrapReleaseTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Bootstrap_ConnectRefusedTwice_ReleasesTheSlotEachTime()
    {
        // A port with no listener: every dial is refused by the peer's kernel at once.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        // One connection per address: a slot the failed dial kept would make the second dial "refused by this node's policy".
        await using var server = await TestServer.StartAsync(_folder, $"MAX_CONNECTIONS_PER_IP=1\nBOOTSTRAP_ADDRESSES=127.0.0.1:{port}\n");

        // Waiting after the second attempt: that attempt has finished, and its error is the one shown.
        await Wait.UntilAsync(() => server.Status.OutboundPeers.Single() is { Attempts: >= 2, State: OutboundPeerState.Waiting },
            "two finished dial attempts", TimeSpan.FromSeconds(20));

        var peer = server.Status.OutboundPeers.Single();
        Assert.Contains("cannot connect", peer.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Manager.LiveConnections, s => s.Outbound);
    }

    public void Dispose() => _folder.Dispose();
}
