using System.Net;
using System.Net.Sockets;
using P2PSecurity.Core.Fleet;
using P2PSecurity.Server.Fleet;

namespace P2PSecurity.Server.Tests.Fleet;

/// <summary>A hub closed by a reload that changed FLEET_* (or by the server stopping): late calls fail as hub failures and never connect again.</summary>
public sealed class RedisFleetHubTests
{
    [Fact]
    public async Task Closed_LateReadAndPublish_FailAsHubFailure_WithoutConnecting()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var hub = new RedisFleetHub(new FleetSettings { Host = "127.0.0.1", Port = ((IPEndPoint)listener.LocalEndpoint).Port, Name = "test" });

        await hub.DisposeAsync();

        var read = await Assert.ThrowsAsync<FleetHubException>(() => hub.ReadAsync(StreamId.Zero, 10, null, TestContext.Current.CancellationToken));
        var top = await Assert.ThrowsAsync<FleetHubException>(() => hub.TopAsync(TestContext.Current.CancellationToken));
        Assert.Contains("was closed", read.Message, StringComparison.Ordinal);
        Assert.Contains("was closed", top.Message, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "a closed hub opened a connection");
    }
}
