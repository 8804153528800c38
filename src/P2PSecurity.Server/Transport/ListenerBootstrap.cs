using System.Net;
using DotNetty.Buffers;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using Microsoft.Extensions.Logging;

namespace P2PSecurity.Server.Transport;

/// <summary>
/// The listener's DotNetty settings in one place: the node server adds its accept gate and child pipeline to them,
/// and the benchmarks' bare baselines (bench/P2PSecurity.LoadGen) use the very same settings, so that a
/// side-by-side figure measures the pipeline and nothing else.
/// </summary>
internal static class ListenerBootstrap
{
    /// <summary>Pending connections the kernel may queue before the boss loop accepts them.</summary>
    public const int Backlog = 4096;

    public static ServerBootstrap Create(IEventLoopGroup boss, IEventLoopGroup workers, IPAddress address, ILogger logger) =>
        new ServerBootstrap()
            .Group(boss, workers)
            .ChannelFactory(() => new TcpServerSocketChannel(ListenSocket.Create(address, logger)))
            .Option(ChannelOption.SoBacklog, Backlog)
            .ChildOption(ChannelOption.TcpNodelay, true)
            .ChildOption(ChannelOption.Allocator, PooledByteBufferAllocator.Default);
}
