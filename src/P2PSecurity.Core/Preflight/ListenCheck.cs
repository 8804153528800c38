using System.Globalization;
using System.Net;
using System.Net.Sockets;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Preflight;

/// <summary>Can LISTEN_ADDRESS and the port be bound, or does this very server (running) hold them?</summary>
internal static class ListenCheck
{
    public static async Task<PreflightCheck> RunAsync(SecurityPolicy policy, int? portOverride, ServerProbe server, CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(policy.ListenAddress);
        var port = portOverride ?? policy.Port;
        var where = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
        if (port == 0)
        {
            return PreflightCheck.Ok("listen", $"listen {address} port 0: the system picks a free port at start");
        }
        var error = TryBind(address, port);
        if (error is null)
        {
            return PreflightCheck.Ok("listen", $"listen {where} can be bound");
        }
        switch (error.SocketErrorCode)
        {
            case SocketError.AddressAlreadyInUse:
                var status = await server.StatusAsync(cancellationToken).ConfigureAwait(false);
                if (status?.Server.ListenEndpoint is { } endpoint && PortOf(endpoint) == port)
                {
                    return PreflightCheck.Ok("listen", string.Create(CultureInfo.InvariantCulture,
                        $"listen {where} is held by this server (pid {status.Server.ProcessId}), which is running"));
                }
                return PreflightCheck.Err("listen", $"listen {where} is in use by another process",
                    $"find it with: ss -ltnp 'sport = :{port}'; stop it, or choose another DEFAULT_P2P_PORT or LISTEN_ADDRESS");
            case SocketError.AccessDenied:
                return PreflightCheck.Err("listen", $"listen {where}: permission denied (ports below 1024 need privilege)",
                    "use a port from 1024 up, or grant CAP_NET_BIND_SERVICE (AmbientCapabilities=CAP_NET_BIND_SERVICE in the unit)");
            case SocketError.AddressNotAvailable:
                return PreflightCheck.Err("listen", $"listen {where}: {address} is not an address of this host",
                    "set LISTEN_ADDRESS to one of this host's addresses, or :: for every address");
            default:
                return PreflightCheck.Err("listen", $"listen {where} cannot be bound: {error.Message}", "check LISTEN_ADDRESS and DEFAULT_P2P_PORT");
        }
    }

    /// <summary>Binds and listens as the server would (dual-stack for ::), then lets go at once.</summary>
    private static SocketException? TryBind(IPAddress address, int port)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any) && !TrySetDualMode(socket))
            {
                // As the server does on a host without dual-stack sockets: bind IPv6 only (it logs that at start).
                socket.DualMode = false;
            }
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1);
            return null;
        }
        catch (SocketException ex)
        {
            return ex;
        }
    }

    private static bool TrySetDualMode(Socket socket)
    {
        try
        {
            socket.DualMode = true;
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The port of "[::]:9828" or "127.0.0.1:9828".</summary>
    private static int PortOf(string endpoint) =>
        int.TryParse(endpoint.AsSpan(endpoint.LastIndexOf(':') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : -1;
}
