using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Control;

/// <summary>
/// The control channel: a Unix domain socket beside the policy file (CONTROL_SOCKET), owner-only, on which the
/// operator tools ask the running server for its status, a reload, a check of a candidate policy against the live
/// connections, and the nodes recently refused. Started with the host; refuses to start when another live server
/// owns the socket, so that two servers never share one. Besides the socket's mode, every connection's peer is
/// checked with SO_PEERCRED: only the server's own user and root are served.
/// </summary>
public sealed class ControlChannelService : IHostedService, IDisposable
{
    private readonly ControlChannelOptions _options;
    private readonly ILogger _logger;
    private readonly SecurityManager _manager;
    private readonly RecentNodeRefusals _refusals;
    private readonly ControlRequestHandler _handler;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _inFlight = [];
    private readonly Lock _inFlightGate = new();
    private Socket? _listener;
    private Task? _acceptLoop;

    public ControlChannelService(SecurityManager manager, ControlChannelOptions options, ILogger<ControlChannelService> logger,
        RecentNodeRefusals refusals, IServerStatusSource? server = null, IDashboardAccess? dashboard = null)
    {
        _manager = manager;
        _options = options;
        _logger = logger;
        _refusals = refusals;
        _handler = new ControlRequestHandler(manager, server, refusals, dashboard);
        _slots = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
        SocketPath = options.SocketPath ?? manager.Policy.ResolvePath(manager.Policy.ControlSocket);
        refusals.Attach(manager);
    }

    /// <summary>The socket's path.</summary>
    public string SocketPath { get; }

    /// <summary>Binds the socket (mode 0600) and starts serving; throws <see cref="ControlChannelException"/> when it cannot.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var (listener, removedStale) = ControlSocketBinder.Bind(SocketPath, backlog: 16);
        if (removedStale)
        {
            ControlChannelLog.StaleSocketRemoved(_logger, SocketPath);
        }
        _listener = listener;
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        ControlChannelLog.Listening(_logger, SocketPath);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, lets requests under way finish (within the host's stop time), removes the socket file.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is null)
        {
            return;
        }
        await _stopping.CancelAsync();
        // Disposing the socket that bound the path also unlinks the path (.NET does it for Unix domain sockets).
        _listener.Dispose();
        Task[] pending;
        lock (_inFlightGate)
        {
            pending = [.. _inFlight, _acceptLoop ?? Task.CompletedTask];
        }
        await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ControlChannelLog.Stopped(_logger, SocketPath);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of descriptors and the like: keep the channel up, and avoid spinning on a persistent error.
                ControlChannelLog.AcceptFailed(_logger, ex);
                await Task.Delay(50, CancellationToken.None);
                continue;
            }
            Track(ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            timeout.CancelAfter(_options.RequestTimeout);
            // Before a request slot is taken: a refused peer gets its answer and never reaches the handler.
            if (RefusePeer(client) is { } refusal)
            {
                await new ControlConnection(client, _handler, _logger).RefuseAsync(refusal);
                return;
            }
            if (!await _slots.WaitAsync(_options.RequestTimeout, CancellationToken.None))
            {
                await BusyAsync(client);
                return;
            }
            try
            {
                // Off the accept loop: a reload parses the whole file and must not delay the next connection.
                await Task.Yield();
                await new ControlConnection(client, _handler, _logger).ServeAsync(timeout.Token);
            }
            finally
            {
                _slots.Release();
            }
        }
    }

    /// <summary>The error reply for a peer that is neither this server's user nor root, or null to serve it.</summary>
    private ControlResponse? RefusePeer(Socket client)
    {
        if (!PeerCredentials.TryRead(client, out var peer, out var error))
        {
            ControlChannelLog.PeerUnknown(_logger, error);
            return ControlResponse.Failure(null, ControlProtocol.ErrorCodes.PermissionDenied,
                "the server cannot tell which user connected, so it serves no one on this connection");
        }
        var serverUid = PeerCredentials.ServerUserId;
        if (peer.IsServed(serverUid))
        {
            return null;
        }
        ControlChannelLog.PeerRefused(_logger, peer.UserId, peer.GroupId, peer.ProcessId, serverUid);
        return ControlResponse.Failure(null, ControlProtocol.ErrorCodes.PermissionDenied,
            $"permission denied: the control channel serves only the user running the server (uid {serverUid}) and root; this connection is from uid {peer.UserId}");
    }

    private static async Task BusyAsync(Socket client)
    {
        var reply = ControlResponse.Failure(null, ControlProtocol.ErrorCodes.Busy, "the server is answering other requests; try again");
        var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(reply, ControlJsonContext.Default.ControlResponse);
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.SendAsync(payload, SocketFlags.None, limit.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return; // the client gave up waiting
        }
    }

    private void Track(Task task)
    {
        lock (_inFlightGate)
        {
            _inFlight.Add(task);
        }
        task.ContinueWith(t =>
        {
            lock (_inFlightGate)
            {
                _inFlight.Remove(t);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void Dispose()
    {
        _refusals.Detach(_manager);
        _handler.Dispose();
        _listener?.Dispose();
        _stopping.Dispose();
        _slots.Dispose();
    }
}
