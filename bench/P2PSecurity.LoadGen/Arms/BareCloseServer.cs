using System.Net;
using DotNetty.Transport.Channels;

namespace P2PSecurity.LoadGen.Arms;

/// <summary>
/// Baseline of the refused-connection figure: a DotNetty server that closes every accepted connection, on the
/// server channel, exactly as the accept gate closes a refused one (<c>Unsafe.CloseForcibly</c>, before the child
/// is registered). The difference to the real server is the gate's decision and nothing else.
/// </summary>
internal sealed class BareCloseServer : IBenchServer
{
    private readonly BareListener _listener = new();
    private readonly CloseAtAcceptHandler _closer = new();

    public IPEndPoint EndPoint => _listener.EndPoint;

    public ArmCounters Counters => new(_closer.Closed, 0, 0, 0);

    public static async Task<BareCloseServer> StartAsync()
    {
        var server = new BareCloseServer();
        await server._listener.StartAsync(b => b
            .Handler(server._closer)
            // Never reached (every child is closed at accept), but the bootstrap requires a child handler.
            .ChildHandler(new ActionChannelInitializer<IChannel>(_ => { }))).ConfigureAwait(false);
        return server;
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private sealed class CloseAtAcceptHandler : ChannelHandlerAdapter
    {
        private long _closed;

        public long Closed => Interlocked.Read(ref _closed);

        public override void ChannelRead(IChannelHandlerContext context, object message)
        {
            // Counted before the close, as the gate counts a refusal before it closes: a client that has seen the
            // close must find it counted.
            Interlocked.Increment(ref _closed);
            ((IChannel)message).Unsafe.CloseForcibly();
        }
    }
}
