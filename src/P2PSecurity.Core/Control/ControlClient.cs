using System.Net.Sockets;
using System.Text.Json;

namespace P2PSecurity.Core.Control;

/// <summary>
/// Sends one request to the server's control socket and reads the answer. "No server" (no socket file, or a
/// stale one that refuses connections) is its own result, distinct from a call that failed, so that tools can say
/// "the server is not running" and exit with the documented code.
/// </summary>
public sealed class ControlClient(string socketPath, TimeSpan? timeout = null)
{
    /// <summary>Long enough for a reload of a 100,000-entry list with evictions; short enough for a hung server.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly TimeSpan _timeout = timeout ?? DefaultTimeout;

    public string SocketPath { get; } = socketPath;

    /// <summary>Sends <paramref name="request"/>; never throws for a server that is absent, slow or broken.</summary>
    public async Task<ControlCallResult> SendAsync(ControlRequest request, CancellationToken cancellationToken = default)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, ControlJsonContext.Default.ControlRequest);
        if (payload.Length + 1 > ControlProtocol.MaxRequestBytes)
        {
            return ControlCallResult.Failed($"the request is {payload.Length:N0} bytes, more than the {ControlProtocol.MaxRequestBytes:N0} the server reads", SocketPath);
        }
        if (!File.Exists(SocketPath) && !Directory.Exists(SocketPath))
        {
            return ControlCallResult.NotRunning($"no control socket at {SocketPath}", SocketPath);
        }
        UnixDomainSocketEndPoint endPoint;
        try
        {
            endPoint = new UnixDomainSocketEndPoint(SocketPath);
        }
        catch (ArgumentException ex)
        {
            return ControlCallResult.Failed($"cannot use {SocketPath} as a socket path: {ex.Message}", SocketPath);
        }
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(_timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(endPoint, timeoutSource.Token);
            await socket.SendAsync(payload.Append((byte)'\n').ToArray(), SocketFlags.None, timeoutSource.Token);
            socket.Shutdown(SocketShutdown.Send);
            var reply = await ReadToEndAsync(socket, timeoutSource.Token);
            if (reply is null)
            {
                return ControlCallResult.Failed($"the reply from {SocketPath} is larger than {ControlProtocol.MaxResponseBytes:N0} bytes", SocketPath);
            }
            var response = JsonSerializer.Deserialize(reply, ControlJsonContext.Default.ControlResponse);
            return response is null
                ? ControlCallResult.Failed($"the reply from {SocketPath} is empty", SocketPath)
                : ControlCallResult.Answer(response, SocketPath);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            return ControlCallResult.NotRunning($"nothing listens on {SocketPath}, a stale socket left by a server that stopped", SocketPath);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied)
        {
            return ControlCallResult.Failed($"permission denied on {SocketPath}: the control socket belongs to the user running the server", SocketPath);
        }
        catch (SocketException ex)
        {
            return ControlCallResult.Failed($"{SocketPath}: {ex.Message}", SocketPath);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ControlCallResult.Failed($"no answer from {SocketPath} within {_timeout.TotalSeconds:0.#} s", SocketPath);
        }
        catch (JsonException ex)
        {
            return ControlCallResult.Failed($"the reply from {SocketPath} is not a control-protocol answer: {ex.Message}", SocketPath);
        }
    }

    /// <summary>Reads until the server closes; null when the reply exceeds the limit.</summary>
    private static async Task<byte[]?> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var n = await socket.ReceiveAsync(chunk, SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return buffer.ToArray();
            }
            if (buffer.Length + n > ControlProtocol.MaxResponseBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, n);
        }
    }
}
