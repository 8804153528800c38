using System.Diagnostics;
using System.Net;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>The real program: start-up on a bare folder, a bad policy, SIGHUP, and shutting down on SIGTERM.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class ServerProcessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Start_NoEnvFile_RunsOnDefaultsAndCreatesItsIdentity()
    {
        await using var server = ServerProcess.Start(_folder.Path, "--port", "0");

        var listening = await server.WaitForLineAsync(@"listening on \[::\]:(\d+) node_key=([0-9a-f]{64}) mode=open");

        var identityPath = _folder.File("node_identity.pem");
        using var identity = NodeIdentity.Load(identityPath);
        Assert.Equal(identity.NodeKey.ToString(), listening.Groups[2].Value);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(identityPath));
        Assert.Contains("policy_defaults", server.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(_folder.LogPath));
    }

    [Fact]
    public async Task Start_InvalidPolicy_PrintsEveryErrorAndExitsWithOne()
    {
        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=lots\nBLOCKED_IP_ADDRESSES=10.0.0.0/33\n");
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath);

        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Contains("MAX_CONNECTIONS_PER_IP line 1", server.Errors, StringComparison.Ordinal);
        Assert.Contains("BLOCKED_IP_ADDRESSES line 2", server.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownArgument_ExitsWithUsage()
    {
        await using var server = ServerProcess.Start(_folder.Path, "--nonsense");

        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("usage: p2psecurity-server", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PortInUse_SaysSoAndExitsWithOne()
    {
        using var occupier = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetworkV6,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { DualMode = true };
        occupier.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        occupier.Listen();
        var port = ((IPEndPoint)occupier.LocalEndPoint!).Port;
        await using var server = ServerProcess.Start(_folder.Path, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"cannot listen on [::]:{port}", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signals_SighupReloadsAndSigtermSaysGoodbyeAndExits()
    {
        using var node = TestIdentities.Create();
        _folder.WriteEnv("LOG_SECURITY_EVENTS=true\n");
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0");
        var port = await server.WaitForListeningAsync();
        var (client, result) = await NodeClient.ConnectAndHandshakeAsync(new NodeClientOptions
        {
            Server = new IPEndPoint(IPAddress.Loopback, port),
            Identity = node,
        }, TestContext.Current.CancellationToken);
        await using var _ = client;
        Assert.True(result.Welcomed, result.ToString());

        server.Signal(ServerProcess.SigHup);
        await server.WaitForLineAsync("sighup_reload outcome=Unchanged revision=1");
        Assert.False(server.HasExited);

        var clock = Stopwatch.StartNew();
        server.Signal(ServerProcess.SigTerm);
        var goodbye = await client.ReceiveAsync<GoodbyeMessage>();
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(GoodbyeReason.ShuttingDown, goodbye.Reason);
        Assert.Equal(0, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"shutdown took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains("stopped after", _folder.ReadLog(), StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
