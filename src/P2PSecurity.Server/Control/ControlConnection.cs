using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Control;
using static P2PSecurity.Core.Control.ControlProtocol;

namespace P2PSecurity.Server.Control;

/// <summary>
/// Serves one connection: reads one request (up to a newline, or the end of the client's sending side, at most
/// <see cref="ControlProtocol.MaxRequestBytes"/>), answers, closes. Whatever the client sends, the worst it gets
/// is an error reply; nothing it sends reaches beyond this connection.
/// </summary>
internal sealed class ControlConnection(Socket socket, ControlRequestHandler handler, ILogger logger)
{
    private const int DrainLimit = 1024 * 1024;

    public async Task ServeAsync(CancellationToken timeout)
    {
        var started = Stopwatch.GetTimestamp();
        ControlResponse response;
        string type = "-";
        try
        {
            var (bytes, tooLarge) = await ReadRequestAsync(timeout);
            if (tooLarge)
            {
                response = Reject(null, ErrorCodes.RequestTooLarge, $"a request is at most {MaxRequestBytes:N0} bytes");
            }
            else
            {
                response = Parse(bytes, out var request) ?? Dispatch(request!, out type);
            }
        }
        catch (OperationCanceledException)
        {
            response = Reject(null, ErrorCodes.Timeout, "no complete request within the time limit; send one JSON object and a newline");
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            return; // the client went away; nobody to answer
        }
        if (await SendAsync(response))
        {
            ControlChannelLog.RequestServed(logger, type, response.Ok, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>Answers with <paramref name="refusal"/> without reading the request: nothing it says is looked at.</summary>
    public Task RefuseAsync(ControlResponse refusal) => SendAsync(refusal);

    /// <summary>Sends the reply and closes our side; false when the client stopped reading (its loss).</summary>
    private async Task<bool> SendAsync(ControlResponse response)
    {
        try
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(response, ControlJsonContext.Default.ControlResponse);
            using var sendLimit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.SendAsync(payload.Append((byte)'\n').ToArray(), SocketFlags.None, sendLimit.Token);
            socket.Shutdown(SocketShutdown.Send);
            await DrainAsync(sendLimit.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
    }

    private ControlResponse Dispatch(ControlRequest request, out string type)
    {
        type = Core.Logging.LogText.Escape(request.Type ?? "-");
        try
        {
            var response = handler.Handle(request);
            if (!response.Ok && response.Error is { } error)
            {
                ControlChannelLog.RequestRejected(logger, error.Code, error.Message);
            }
            return response;
        }
        catch (Exception ex)
        {
            ControlChannelLog.RequestFailed(logger, ex, type);
            return ControlResponse.Failure(request.Type, ErrorCodes.InternalError, "the server failed to answer; see its log");
        }
    }

    private ControlResponse? Parse(byte[] bytes, out ControlRequest? request)
    {
        request = null;
        try
        {
            request = JsonSerializer.Deserialize(bytes, ControlJsonContext.Default.ControlRequest);
        }
        catch (JsonException ex)
        {
            return Reject(null, ErrorCodes.MalformedRequest, $"the request is not a JSON control request: {ex.Message}");
        }
        return request is null ? Reject(null, ErrorCodes.MalformedRequest, "the request is empty or null; send e.g. {\"version\":1,\"type\":\"status\"}") : null;
    }

    private ControlResponse Reject(string? type, string code, string message)
    {
        ControlChannelLog.RequestRejected(logger, code, Core.Logging.LogText.Escape(message));
        return ControlResponse.Failure(type, code, message);
    }

    /// <summary>
    /// Reads and drops what the client still sends (the rest of an oversized request, bytes after the newline).
    /// Closing a Unix socket with unread input resets the connection, and the client would lose the reply.
    /// Bounded, so a client that never stops sending cannot hold the connection.
    /// </summary>
    private async Task DrainAsync(CancellationToken limit)
    {
        var scratch = new byte[16 * 1024];
        var total = 0;
        int n;
        while (total < DrainLimit && (n = await socket.ReceiveAsync(scratch, SocketFlags.None, limit)) > 0)
        {
            total += n;
        }
    }

    /// <summary>Reads up to the first newline or the end of input; flags a request over the limit without reading the rest.</summary>
    private async Task<(byte[] Bytes, bool TooLarge)> ReadRequestAsync(CancellationToken timeout)
    {
        var buffer = new byte[MaxRequestBytes + 1];
        var length = 0;
        while (length < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout);
            if (n == 0)
            {
                break;
            }
            var newline = Array.IndexOf(buffer, (byte)'\n', length, n);
            length += n;
            if (newline >= 0)
            {
                return (buffer[..newline], false);
            }
        }
        return length > MaxRequestBytes ? ([], true) : (buffer[..length], false);
    }
}
