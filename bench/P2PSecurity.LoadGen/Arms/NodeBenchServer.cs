using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Hosting;
using P2PSecurity.Server.Status;
using P2PSecurity.Server.Transport;

namespace P2PSecurity.LoadGen.Arms;

/// <summary>
/// The real node server, built as the program builds it (<see cref="ServerHost.CreateBuilder(ServerOptions)"/>)
/// from a policy folder, on a free port. Only the console log is off: stdout belongs to the <c>serve</c> pipe.
/// </summary>
internal sealed class NodeBenchServer : IBenchServer
{
    private static readonly DenyReason[] s_acceptReasons =
        [DenyReason.IpBlocked, DenyReason.TooManyConnectionsFromIp, DenyReason.ConnectionRateExceeded];

    private readonly IHost _host;
    private readonly SecurityManager _manager;
    private readonly SessionRegistry _sessions;
    private long _welcomed;

    private NodeBenchServer(IHost host, IPEndPoint bound)
    {
        _host = host;
        EndPoint = new IPEndPoint(IPAddress.Loopback, bound.Port);
        _manager = host.Services.GetRequiredService<SecurityManager>();
        _sessions = host.Services.GetRequiredService<SessionRegistry>();
        _sessions.Opened += _ => Interlocked.Increment(ref _welcomed);
    }

    public IPEndPoint EndPoint { get; }

    public ArmCounters Counters
    {
        get
        {
            var refusals = _manager.RefusalCounts;
            return new ArmCounters(
                s_acceptReasons.Sum(r => refusals.GetValueOrDefault(r)),
                refusals.Values.Sum(),
                Interlocked.Read(ref _welcomed),
                _sessions.Count);
        }
    }

    /// <param name="envFile">The policy file; its folder holds the identity and the log.</param>
    /// <param name="ownsProcess">True in a <c>serve</c> child: DotNetty's process-wide logger goes to this server's log.</param>
    public static async Task<NodeBenchServer> StartAsync(string envFile, bool ownsProcess, CancellationToken ct)
    {
        var builder = ServerHost.CreateBuilder(new ServerOptions
        {
            EnvFile = envFile,
            Port = 0,
            ConsoleLog = false,
            RouteDotNettyLogs = ownsProcess,
            // Off unless the figure's policy asks for it (the dashboard figures), so that no two arms share its default port.
            DashboardAddress = ("\n" + File.ReadAllText(envFile)).Contains("\nDASHBOARD_ADDRESS=", StringComparison.Ordinal) ? null : "off",
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct).ConfigureAwait(false);
            var bound = await host.Services.GetRequiredService<NodeServerStatus>().Listening.WaitAsync(ct).ConfigureAwait(false);
            return new NodeBenchServer(host, bound);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _host.Dispose();
    }
}
