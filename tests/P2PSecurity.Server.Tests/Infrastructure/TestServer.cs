using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Hosting;
using P2PSecurity.Server.Status;
using P2PSecurity.Server.Transport;
using Serilog.Events;

namespace P2PSecurity.Server.Tests.Infrastructure;

/// <summary>
/// A node server in this process, built exactly as the program builds it (<see cref="ServerHost.CreateBuilder"/>),
/// on a free port of the dual-stack listener, with its .env, identity and log in a <see cref="TempFolder"/>.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly IHost _host;

    private TestServer(IHost host, TempFolder folder, IPEndPoint bound)
    {
        _host = host;
        Folder = folder;
        Port = bound.Port;
        Manager = host.Services.GetRequiredService<SecurityManager>();
        Status = host.Services.GetRequiredService<NodeServerStatus>();
        Identity = host.Services.GetRequiredService<NodeIdentity>();
    }

    public TempFolder Folder { get; }

    public int Port { get; }

    public SecurityManager Manager { get; }

    public NodeServerStatus Status { get; }

    public NodeIdentity Identity { get; }

    internal SessionRegistry Sessions => _host.Services.GetRequiredService<SessionRegistry>();

    internal BroadcastRelay Relay => _host.Services.GetRequiredService<BroadcastRelay>();

    /// <summary>The server as IPv4 clients reach it (through the dual-stack listener unless LISTEN_ADDRESS says otherwise).</summary>
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>Writes <paramref name="env"/> to the folder's .env and starts a server on it.</summary>
    public static async Task<TestServer> StartAsync(TempFolder folder, string env, TimeSpan? pollInterval = null)
    {
        folder.WriteEnv(env);
        var builder = ServerHost.CreateBuilder(new ServerOptions
        {
            EnvFile = folder.EnvPath,
            Port = 0,
            ConsoleLog = false,
            WorkerThreads = 2,
            PolicyPollInterval = pollInterval ?? TimeSpan.FromMilliseconds(100),
            MinimumLevel = LogEventLevel.Debug,
            DashboardAddress = "off", // on by default at a fixed port; in-process servers run side by side
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var bound = await host.Services.GetRequiredService<NodeServerStatus>().Listening;
        return new TestServer(host, folder, bound);
    }

    /// <summary>Connects a node client from <paramref name="local"/> and runs the handshake.</summary>
    public async Task<(NodeClient Client, HandshakeResult Result)> ConnectAsync(NodeIdentity? identity, string local = "127.0.0.1", string? secret = null) =>
        await NodeClient.ConnectAndHandshakeAsync(Options(identity, local, secret), TestContext.Current.CancellationToken);

    /// <summary>Connects and expects a welcome.</summary>
    public async Task<NodeClient> ConnectWelcomedAsync(NodeIdentity identity, string local = "127.0.0.1", string? secret = null)
    {
        var (client, result) = await ConnectAsync(identity, local, secret);
        Assert.True(result.Welcomed, $"expected a welcome, got {result}");
        return client;
    }

    public NodeClientOptions Options(NodeIdentity? identity, string local = "127.0.0.1", string? secret = null) => new()
    {
        Server = EndPoint,
        LocalAddress = IPAddress.Parse(local),
        Identity = identity,
        NetworkSecret = secret,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>Stops the host as Ctrl+C would.</summary>
    public Task StopAsync() => _host.StopAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
