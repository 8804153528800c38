using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using P2PSecurity.Core.Control;

namespace P2PSecurity.Stress.ControlFuzz;

/// <summary>One request over the control socket and what came back.</summary>
internal static class ControlExchange
{
    /// <summary>The reply, or null when the server closed without one (or sent something that is not a reply).</summary>
    public static async Task<ControlResponse?> SendAsync(string socketPath, byte[] request, bool closeSend, TimeSpan bound, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(bound);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token);
        var closedEarly = false;
        try
        {
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
            closedEarly = true; // an oversized request: the server answers and closes before reading it all
        }
        if (closeSend && !closedEarly)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        var reply = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                reply.Write(buffer, 0, n);
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset)
        {
            // Reset after the reply: what was read is the reply.
        }
        var text = Encoding.UTF8.GetString(reply.ToArray());
        if (!text.EndsWith('\n'))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(text, ControlJsonContext.Default.ControlResponse);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
