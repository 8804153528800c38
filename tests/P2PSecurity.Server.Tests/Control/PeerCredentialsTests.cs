using System.Net.Sockets;
using System.Runtime.Versioning;
using P2PSecurity.Server.Control;

namespace P2PSecurity.Server.Tests.Control;

/// <summary>SO_PEERCRED on a real accepted Unix socket, and who of its users the control channel serves.</summary>
[SupportedOSPlatform("linux")]
public sealed class PeerCredentialsTests
{
    [Fact]
    public async Task TryRead_AcceptedUnixSocket_GivesThisProcessAndItsUser()
    {
        var dir = Directory.CreateTempSubdirectory("p2ps-cred-").FullName;
        try
        {
            var endPoint = new UnixDomainSocketEndPoint(Path.Combine(dir, "s.sock"));
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(endPoint);
            listener.Listen(1);
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(endPoint, TestContext.Current.CancellationToken);
            using var accepted = await listener.AcceptAsync(TestContext.Current.CancellationToken);

            Assert.True(PeerCredentials.TryRead(accepted, out var peer, out var error), error);

            Assert.Equal(Environment.ProcessId, peer.ProcessId);
            Assert.Equal(PeerCredentials.ServerUserId, peer.UserId);
            Assert.True(peer.IsServed(PeerCredentials.ServerUserId));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(1000u, 1000u, true)]   // the server's own user
    [InlineData(0u, 1000u, true)]      // root
    [InlineData(65534u, 1000u, false)] // nobody
    [InlineData(1001u, 1000u, false)]  // another user of the same machine
    [InlineData(65534u, 0u, false)]    // a server running as root serves root only
    public void IsServed_OwnUserAndRootOnly(uint peerUid, uint serverUid, bool served) =>
        Assert.Equal(served, new PeerCredentials(4242, peerUid, peerUid).IsServed(serverUid));

    [Fact]
    public void TryRead_SocketWithoutAUnixPeer_FailsWithAReason()
    {
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        Assert.False(PeerCredentials.TryRead(tcp, out _, out var error));
        Assert.StartsWith("getsockopt(SO_PEERCRED)", error, StringComparison.Ordinal);
    }
}
