using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>Plain TCP for what a node client will not do: stay silent, send garbage, reset, watch for the server's close.</summary>
public static class RawSocket
{
    /// <summary>Connects from <paramref name="local"/> (any 127.x.y.z is a distinct client).</summary>
    public static async Task<Socket> ConnectAsync(IPEndPoint server, IPAddress local, CancellationToken ct)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (server.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // An IPv6 socket reaching an IPv4-mapped address (::ffff:a.b.c.d) must be dual-mode to bind and send.
                socket.DualMode = true;
                if (local.AddressFamily == AddressFamily.InterNetwork)
                {
                    local = local.MapToIPv6();
                }
            }
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(server, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Closes with a TCP reset instead of a FIN (SO_LINGER 0): an abrupt client.</summary>
    public static void Reset(Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Dispose();
    }

    /// <summary>
    /// Reads and discards until the server closes (end of stream or reset) or <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task<CloseObservation> WaitForCloseAsync(Socket socket, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var buffer = new byte[16 * 1024];
        long total = 0;
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return new CloseObservation(true, total, clock.Elapsed);
                }
                total += n;
            }
        }
        catch (SocketException)
        {
            return new CloseObservation(true, total, clock.Elapsed); // reset by the server
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new CloseObservation(false, total, clock.Elapsed);
        }
    }

    /// <summary>Reads from a stream (e.g. TLS) until it ends, fails or <paramref name="timeout"/> passes.</summary>
    public static async Task<CloseObservation> WaitForCloseAsync(Stream stream, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var buffer = new byte[16 * 1024];
        long total = 0;
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    return new CloseObservation(true, total, clock.Elapsed);
                }
                total += n;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            return new CloseObservation(true, total, clock.Elapsed);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new CloseObservation(false, total, clock.Elapsed);
        }
    }
}
