using System.Net;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Server.Transport;

namespace P2PSecurity.LoadGen.Arms;

/// <summary>
/// The listener of a bare baseline: the node server's own <see cref="ListenerBootstrap"/> settings, its
/// dual-stack address and its event loop threads (one boss, one worker per core), with handlers of the caller's.
/// </summary>
internal sealed class BareListener : IAsyncDisposable
{
    private readonly MultithreadEventLoopGroup _boss = new(1);
    private readonly MultithreadEventLoopGroup _workers = new(Environment.ProcessorCount);
    private IChannel? _channel;

    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public async Task StartAsync(Func<ServerBootstrap, ServerBootstrap> handlers)
    {
        var bootstrap = handlers(ListenerBootstrap.Create(_boss, _workers, IPAddress.IPv6Any, NullLogger.Instance));
        _channel = await bootstrap.BindAsync(new IPEndPoint(IPAddress.IPv6Any, 0)).ConfigureAwait(false);
        EndPoint = new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)_channel.LocalAddress).Port);
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.CloseAsync().ConfigureAwait(false);
        }
        await Task.WhenAll(
            _workers.ShutdownGracefullyAsync(TimeSpan.Zero, TimeSpan.FromSeconds(1)),
            _boss.ShutdownGracefullyAsync(TimeSpan.Zero, TimeSpan.FromSeconds(1))).ConfigureAwait(false);
    }
}
