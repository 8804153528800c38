using System.Net;
using System.Net.Sockets;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>A locked-down server does not dial its bootstrap peers, and dials again once the lockdown is lifted.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class LockdownDialTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Bootstrap_LockedDownAtStart_DialsNothingUntilLifted()
    {
        var ct = TestContext.Current.CancellationToken;
        var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        try
        {
            var port = ((IPEndPoint)peer.LocalEndpoint).Port;
            // Locked down before the server starts: the state file beside the policy, as `lockdown on` leaves it.
            var now = DateTimeOffset.UtcNow;
            LockdownStore.Write(LockdownStore.PathFor(_folder.EnvPath), new LockdownState { Active = true, Since = now, Reason = "drill" }, now);
            await using var server = await TestServer.StartAsync(_folder, $"BOOTSTRAP_ADDRESSES=127.0.0.1:{port}\n");

            await Wait.UntilAsync(() => server.Status.OutboundPeers.Any(p => p.LastError == "lockdown: not dialling"), "the dialler to see the lockdown");

            Assert.Equal(0, Assert.Single(server.Status.OutboundPeers).Attempts);
            Assert.False(peer.Pending(), "nothing may be dialled while locked down");
            server.Manager.Lockdown.Lift();
            using var dialled = await peer.AcceptTcpClientAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct);
            Assert.Equal(1, Assert.Single(server.Status.OutboundPeers).Attempts);
        }
        finally
        {
            peer.Stop();
        }
    }

    public void Dispose() => _folder.Dispose();
}
