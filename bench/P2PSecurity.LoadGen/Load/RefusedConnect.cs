using System.Net;
using System.Net.Sockets;

namespace P2PSecurity.LoadGen.Load;

/// <summary>
/// The refused-connection operation: connect from one of the source addresses and wait for the server to close
/// the connection (end of stream or reset). A server that sends even one byte has not refused: that fails.
/// </summary>
internal sealed class RefusedConnect(IPEndPoint server, SourceAddresses sources)
{
    public async Task RunAsync(int worker, long n, CancellationToken ct)
    {
        using var socket = SourceAddresses.Bound(sources[worker + n]);
        await socket.ConnectAsync(server, ct).ConfigureAwait(false);
        var buffer = new byte[1];
        int received;
        try
        {
            received = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return; // closed with a reset: refused
        }
        if (received != 0)
        {
            throw new InvalidOperationException($"the server sent data to {socket.LocalEndPoint} instead of closing the connection");
        }
    }
}
