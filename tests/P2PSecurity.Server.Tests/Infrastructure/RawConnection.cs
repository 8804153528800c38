using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace P2PSecurity.Server.Tests.Infrastructure;

/// <summary>A plain TCP client, for what the node client will not do: stay silent, send garbage, watch for a close.</summary>
public sealed class RawConnection : IAsyncDisposable
{
    private readonly Socket _socket;

    private RawConnection(Socket socket) => _socket = socket;

    public static async Task<RawConnection> ConnectAsync(IPEndPoint server, string local)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(local), 0));
        await socket.ConnectAsync(server, TestContext.Current.CancellationToken);
        return new RawConnection(socket);
    }

    public Task SendAsync(byte[] bytes) => _socket.SendAsync(bytes, SocketFlags.None, TestContext.Current.CancellationToken).AsTask();

    /// <summary>
    /// Reads until the server closes the connection (end of stream or reset); returns how many bytes came before the
    /// close and when it came. Fails the test if the connection is still open after <paramref name="timeout"/>.
    /// </summary>
    public async Task<(int Bytes, TimeSpan Elapsed)> WaitForCloseAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        var buffer = new byte[4096];
        var total = 0;
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return (total, clock.Elapsed);
                }
                total += n;
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return (total, clock.Elapsed);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"the connection was still open after {timeout.TotalSeconds:0.#} s ({total} bytes received)");
            throw;
        }
    }

    /// <summary>True when the server has not closed the connection within <paramref name="window"/>.</summary>
    public async Task<bool> StaysOpenAsync(TimeSpan window)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(window);
        try
        {
            var n = await _socket.ReceiveAsync(new byte[1], SocketFlags.None, cts.Token);
            return n > 0;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
