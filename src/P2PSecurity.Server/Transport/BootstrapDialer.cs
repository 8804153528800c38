using System.Net;
using System.Net.Sockets;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Hosting;
using P2PSecurity.Server.Pipeline;
using P2PSecurity.Server.Status;

namespace P2PSecurity.Server.Transport;

/// <summary>
/// Keeps one BOOTSTRAP_ADDRESSES peer connected: dial, handshake, stay while the session lives, then wait a
/// backoff and dial again. The address passes the same accept gate as an inbound peer (block list, counts, rate)
/// before anything is sent to it, and the remote node the same node gate.
/// </summary>
internal sealed class BootstrapDialer(
    OutboundPeerTracker tracker,
    PipelineServices services,
    IEventLoopGroup group,
    ChannelTracker connections,
    Func<bool> lockedDown)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private readonly ReconnectBackoff _backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    /// <summary>How often a locked-down dialler looks whether the lockdown was lifted (no network, no backoff growth).</summary>
    private static readonly TimeSpan LockdownPoll = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken stop)
    {
        var peer = tracker.Peer.ToString();
        while (!stop.IsCancellationRequested)
        {
            if (lockedDown())
            {
                // Locked down: no dialling at all (not even name resolution); resume within a second of the lift.
                tracker.Waiting("lockdown: not dialling", services.Time.GetUtcNow() + LockdownPoll);
                try
                {
                    await Task.Delay(LockdownPoll, services.Time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            tracker.Connecting();
            var (welcomed, error) = await DialOnceAsync(stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                return;
            }
            if (welcomed)
            {
                _backoff.Reset();
            }
            var delay = _backoff.Next();
            tracker.Waiting(error, services.Time.GetUtcNow() + delay);
            if (error is null)
            {
                ServerLog.BootstrapClosed(services.Logger, peer, (long)delay.TotalMilliseconds);
            }
            else
            {
                ServerLog.BootstrapFailed(services.Logger, peer, LogText.Escape(error), (long)delay.TotalMilliseconds);
            }
            try
            {
                await Task.Delay(delay, services.Time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One attempt; returns when the connection is over. The error is null for a session that ended normally.</summary>
    private async Task<(bool Welcomed, string? Error)> DialOnceAsync(CancellationToken stop)
    {
        var peer = tracker.Peer;
        IPAddress address;
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(peer.Host, stop).ConfigureAwait(false);
            if (addresses.Length == 0)
            {
                return (false, $"{peer.Host} has no address");
            }
            address = addresses[0];
        }
        catch (SocketException ex)
        {
            return (false, $"cannot resolve {peer.Host}: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            return (false, null);
        }
        var accept = await services.Gate.AcceptAsync(address, outbound: true).ConfigureAwait(false);
        if (!accept.Allowed || accept.Slot is null)
        {
            return (false, $"refused by this node's policy: {accept.Decision.Reason.Code()}");
        }
        var slot = accept.Slot;
        var handshake = new TaskCompletionSource<HandshakeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        TcpSocketChannel? created = null;
        var bootstrap = new Bootstrap()
            .Group(group)
            .ChannelFactory(() => created = new TcpSocketChannel(address.AddressFamily))
            .Option(ChannelOption.TcpNodelay, true)
            .Option(ChannelOption.ConnectTimeout, ConnectTimeout)
            .Handler(new OutboundChannelInitializer(services, slot, peer.PinnedKey, r =>
            {
                // Status follows the handshake at once, on the connection's event loop.
                if (r.Welcomed)
                {
                    tracker.Connected(slot.NodeKey ?? default);
                }
                handshake.TrySetResult(r);
            }));
        TcpSocketChannel channel;
        try
        {
            await bootstrap.RegisterAsync().ConfigureAwait(false);
            channel = created!;
        }
        catch (Exception ex) when (ex is SocketException or ChannelException or IOException or InvalidOperationException or AggregateException)
        {
            // No channel came to be, so no close will ever run: the one case released here (Release is idempotent).
            slot.Release();
            return (false, $"cannot open a connection to {address}:{peer.Port}: {ex.GetBaseException().Message}");
        }
        // From here the slot has the same release path as an accepted connection: the channel's close.
        ConnectionAdmission.ReleaseOnClose(channel, slot);
        connections.Add(channel);
        try
        {
            await channel.ConnectAsync(new IPEndPoint(address, peer.Port)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ConnectException or IOException or TimeoutException or AggregateException)
        {
            await channel.CloseAsync().ConfigureAwait(false);
            return (false, $"cannot connect to {address}:{peer.Port}: {ex.GetBaseException().Message}");
        }
        try
        {
            var result = await handshake.Task.WaitAsync(stop).ConfigureAwait(false);
            if (!result.Welcomed)
            {
                await channel.CloseAsync().ConfigureAwait(false);
                return (false, result.ToString());
            }
            ServerLog.BootstrapConnected(services.Logger, peer.ToString(), slot.NodeKey?.ToShortString() ?? "-");
            await channel.CloseCompletion.WaitAsync(stop).ConfigureAwait(false);
            return (true, null);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the server says goodbye to this session with the others.
            return (false, null);
        }
    }
}
