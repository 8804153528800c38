using System.Net;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>
/// The accept gate on the server channel, fed child channels with synthetic peer addresses: a whole /64 of IPv6
/// peers, which loopback cannot give (real traffic in Ipv6LoopbackLimitTests stays on ::1).
/// </summary>
public sealed class AcceptGatePrefixTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task ChannelRead_ManyAddressesOfOneSlash64_PassesMaxConnectionsPerIpAndClosesTheRest()
    {
        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=3\nCONNECTION_RATE_LIMIT=100000/min\nIPV6_LIMIT_PREFIX=64\n");
        using var manager = SecurityManager.Create(_folder.EnvPath, NullLogger.Instance, TimeProvider.System);
        var server = new EmbeddedChannel(new AcceptGateHandler(manager.Gate, TimeProvider.System));
        var children = Enumerable.Range(1, 1000).Select(i => new PeerChannel($"2001:db8:1:2:{i:x}:{i * 7:x}::{i:x}")).ToList();

        foreach (var child in children)
        {
            server.WriteInbound(child);
        }
        var passed = await DrainAsync(server, manager);

        // Embedded channels all compare equal (one id): compare references.
        Assert.Equal(3, passed.Count);
        Assert.All(children.Take(3), c => Assert.Contains(passed, p => ReferenceEquals(p, c)));
        Assert.All(children.Take(3), c => Assert.True(c.Open));
        Assert.All(children.Skip(3), c => Assert.False(c.Open)); // closed by the gate: no pipeline, no TLS
        Assert.Equal(997, manager.RefusalCounts[DenyReason.TooManyConnectionsFromIp]);
        // Another /64 is another peer; and a close of one of the /64's connections gives its slot back.
        var neighbourPrefix = new PeerChannel("2001:db8:1:3::1");
        server.WriteInbound(neighbourPrefix);
        await children[0].CloseAsync();
        var again = new PeerChannel("2001:db8:1:2:ffff::1");
        server.WriteInbound(again);
        var later = await DrainAsync(server, manager);
        Assert.Equal(2, later.Count);
        Assert.Same(neighbourPrefix, later[0]);
        Assert.Same(again, later[1]);
        server.FinishAndReleaseAll();
    }

    /// <summary>
    /// The children the gate passed on. A file this young is inside its racy window, so a connection's check may have
    /// started a reload off the loop: wait for it, then let the loop run what it handed back.
    /// </summary>
    private static async Task<List<IChannel>> DrainAsync(EmbeddedChannel server, SecurityManager manager)
    {
        await Wait.UntilAsync(() => !manager.BackgroundReloadRunning, "the reload started by a connection's check");
        server.RunPendingTasks();
        var passed = new List<IChannel>();
        while (server.ReadInbound<IChannel>() is { } child)
        {
            passed.Add(child);
        }
        return passed;
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>A child channel as the server channel hands it to the gate, with the peer address a real accept would give.</summary>
    private sealed class PeerChannel(string address) : EmbeddedChannel
    {
        private readonly IPEndPoint _remote = new(IPAddress.Parse(address), 40_000);

        protected override EndPoint RemoteAddressInternal => _remote;
    }
}
