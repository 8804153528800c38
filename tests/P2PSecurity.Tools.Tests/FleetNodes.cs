using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Identity;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.Tests;

/// <summary>Real server processes in one fleet on one test Redis, each in its own folder, all trusting one operator key.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class FleetNodes : IAsyncDisposable
{
    private readonly List<(TempFolder Folder, ServerProcess Server)> _nodes = [];

    private FleetNodes(RedisProcess redis, TempFolder operatorFolder, NodeIdentity op)
    {
        Redis = redis;
        OperatorFolder = operatorFolder;
        Operator = op;
    }

    public RedisProcess Redis { get; }

    public TempFolder OperatorFolder { get; }

    /// <summary>The operator identity (keygen), whose key every node trusts in FLEET_OPERATOR_KEYS.</summary>
    public NodeIdentity Operator { get; }

    public string OperatorPath => OperatorFolder.File("operator.pem");

    public IReadOnlyList<(TempFolder Folder, ServerProcess Server)> Nodes => _nodes;

    public static async Task<FleetNodes> StartAsync(int count)
    {
        var redis = await RedisProcess.StartAsync();
        var folder = new TempFolder();
        var op = NodeIdentity.CreateFile(folder.File("operator.pem"));
        var fleet = new FleetNodes(redis, folder, op);
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => fleet.AddNodeAsync()));
        return fleet;
    }

    /// <summary>The policy of every node: the fleet, and limits that polling from one address never trips.</summary>
    public string Env => $"FLEET_REDIS={Redis.Url}\nFLEET_NAME=test\nFLEET_OPERATOR_KEYS={Operator.NodeKey}\nFLEET_OPERATOR_IDENTITY={OperatorPath}\n" +
                         "AUTO_BAN=off\nCONNECTION_RATE_LIMIT=1000/s\nMAX_CONNECTIONS_PER_IP=50\n";

    /// <summary>Starts one more node of the fleet; <paramref name="args"/> are added to its command line (e.g. <c>--dashboard 127.0.0.1:0</c>).</summary>
    public async Task<(TempFolder Folder, ServerProcess Server)> AddNodeAsync(params string[] args)
    {
        var folder = new TempFolder(Env);
        File.SetUnixFileMode(folder.EnvPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var server = await ServerProcess.StartAsync(folder.Path, folder.EnvPath, ["--env-file", folder.EnvPath, "--port", "0", .. args]);
        lock (_nodes)
        {
            _nodes.Add((folder, server));
        }
        return (folder, server);
    }

    public async Task<FleetInfo> FleetAsync(TempFolder folder)
    {
        var run = await ToolProcess.RunAsync("reload_security", folder.Path, "fleet", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonSerializer.Deserialize(run.Out, ToolJson.Context.ControlResponse)!.Fleet!;
    }

    public async Task<StatusInfo> StatusAsync(TempFolder folder)
    {
        var run = await ToolProcess.RunAsync("reload_security", folder.Path, "status", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonSerializer.Deserialize(run.Out, ToolJson.Context.ControlResponse)!.Status!;
    }

    /// <summary>
    /// True when a plain TCP connection from <paramref name="local"/> is closed by the server within 1 s without a
    /// byte: refused at accept, before TLS. (An admitted connection that says nothing is kept until HANDSHAKE_TIMEOUT.)
    /// </summary>
    public static async Task<bool> RefusedBeforeTlsAsync(IPEndPoint server, string local)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(local), 0));
        await socket.ConnectAsync(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            var n = await socket.ReceiveAsync(new byte[16], SocketFlags.None, cts.Token);
            return n == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls until every node gives <paramref name="refused"/> for <paramref name="local"/>; fails after <paramref name="bound"/>.</summary>
    public async Task<TimeSpan> WaitEveryNodeAsync(string local, bool refused, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        var pending = _nodes.Select(n => n.Server).ToList();
        while (pending.Count > 0)
        {
            var results = await Task.WhenAll(pending.Select(async s => (s, await RefusedBeforeTlsAsync(s.EndPoint, local))));
            pending = [.. results.Where(r => r.Item2 != refused).Select(r => r.s)];
            if (pending.Count > 0)
            {
                Assert.True(clock.Elapsed < bound, $"{pending.Count} of {_nodes.Count} nodes still {(refused ? "admit" : "refuse")} {local} after {bound.TotalSeconds:0.#} s");
                await Task.Delay(20);
            }
        }
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (folder, server) in _nodes)
        {
            await server.DisposeAsync();
            folder.Dispose();
        }
        await Redis.DisposeAsync();
        Operator.Dispose();
        OperatorFolder.Dispose();
    }
}
