using System.Diagnostics;
using System.Net;
using DotNetty.Transport.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Hosting;
using P2PSecurity.Server.Pipeline;
using P2PSecurity.Server.Status;

namespace P2PSecurity.Server.Transport;

/// <summary>
/// The DotNetty listener and the bootstrap dialers, as a hosted service. Stopping closes the listener first (no new
/// connections), says goodbye to every session, closes what is left and stops the event loops, all within
/// <see cref="ShutdownBound"/>.
/// </summary>
internal sealed class NodeServer(PipelineServices services, SecurityManager manager, NodeServerStatus status, ServerOptions options, ILogger<NodeServer> logger) : IHostedService, IDisposable
{
    /// <summary>How long shutdown waits for goodbyes to be delivered before closing connections regardless.</summary>
    public static readonly TimeSpan GoodbyeBound = TimeSpan.FromSeconds(2);

    /// <summary>The longest the whole stop takes.</summary>
    public static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopDialing = new();
    private readonly List<Task> _dialers = [];
    private MultithreadEventLoopGroup? _boss;
    private MultithreadEventLoopGroup? _workers;
    private IChannel? _listener;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var policy = services.Gate.Policy;
        var address = IPAddress.Parse(policy.ListenAddress);
        var port = options.Port ?? policy.Port;
        _boss = new MultithreadEventLoopGroup(1);
        _workers = new MultithreadEventLoopGroup(options.WorkerThreads);
        var bootstrap = ListenerBootstrap.Create(_boss, _workers, address, logger)
            .Handler(new AcceptGateHandler(services.Gate, services.Time))
            .ChildHandler(new InboundChannelInitializer(services));
        try
        {
            _listener = await bootstrap.BindAsync(new IPEndPoint(address, port)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            status.SetListenFailed(ex);
            await StopLoopsAsync().ConfigureAwait(false);
            throw new StartupException($"cannot listen on {FormatEndPoint(address, port)}: {ex.GetBaseException().Message}", ex);
        }
        var bound = (IPEndPoint)_listener.LocalAddress;
        status.SetListening(bound);
        ServerLog.Listening(logger, FormatEndPoint(bound.Address, bound.Port), services.Identity.NodeKey.ToString(), policy.ModeDescription, options.Profile ?? "none");
        foreach (var peer in policy.BootstrapAddresses)
        {
            var tracker = new OutboundPeerTracker(peer);
            status.Track(tracker);
            var dialer = new BootstrapDialer(tracker, services, _workers, services.Channels, () => LockdownGate.RefusesAccept(manager.LockdownInForce(manager.Policy)));
            _dialers.Add(Task.Run(() => dialer.RunAsync(_stopDialing.Token), CancellationToken.None));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await _stopDialing.CancelAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.CloseAsync().ConfigureAwait(false);
        }
        var sessions = services.Sessions.Sessions;
        ServerLog.ShuttingDown(logger, sessions.Length);
        var goodbye = new GoodbyeMessage(GoodbyeReason.ShuttingDown, "server shutting down");
        foreach (var session in sessions)
        {
            ChannelClosing.SendAndClose(session.Channel, goodbye);
        }
        try
        {
            await Task.WhenAll(sessions.Select(s => s.Channel.CloseCompletion)).WaitAsync(GoodbyeBound, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Peers that did not take their goodbye in time are closed below.
            ServerLog.GoodbyeBoundReached(logger, services.Sessions.Count);
        }
        await services.Channels.CloseAllAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_dialers).WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A dialer stuck in name resolution; its loop ends at its next step, and the process may exit first.
            ServerLog.GoodbyeBoundReached(logger, 0);
        }
        await StopLoopsAsync().ConfigureAwait(false);
        ServerLog.Stopped(logger, clock.ElapsedMilliseconds);
    }

    public void Dispose() => _stopDialing.Dispose();

    private async Task StopLoopsAsync()
    {
        // No quiet period: every connection is closed by now, and DotNetty's quiet-period wait, once any task ran
        // lately, lasts the whole timeout.
        var quiet = TimeSpan.Zero;
        var bound = TimeSpan.FromSeconds(1);
        var stopping = new List<Task>();
        if (_workers is not null)
        {
            stopping.Add(_workers.ShutdownGracefullyAsync(quiet, bound));
        }
        if (_boss is not null)
        {
            stopping.Add(_boss.ShutdownGracefullyAsync(quiet, bound));
        }
        await Task.WhenAll(stopping).WaitAsync(ShutdownBound).ConfigureAwait(false);
    }

    private static string FormatEndPoint(IPAddress address, int port) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
}
