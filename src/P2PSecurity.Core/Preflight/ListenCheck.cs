using System.Globalization;
using System.Net;
using System.Net.Sockets;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Preflight;

/// <summary>Can LISTEN_ADDRESS and the port be bound, or does this very server (running) hold them?</summary>
internal static class ListenCheck
{
    /// <summary>The node listener: LISTEN_ADDRESS and DEFAULT_P2P_PORT (or <c>--port</c>).</summary>
    public static async Task<PreflightCheck> RunAsync(SecurityPolicy policy, int? portOverride, ServerProbe server, CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(policy.ListenAddress);
        var port = portOverride ?? policy.Port;
        return await CheckAsync("listen", "listen", "DEFAULT_P2P_PORT or LISTEN_ADDRESS", address, port, async ct =>
        {
            var status = await server.StatusAsync(ct).ConfigureAwait(false);
            return status?.Server.ListenEndpoint is { } endpoint && PortOf(endpoint) == port
                ? string.Create(CultureInfo.InvariantCulture, $"held by this server (pid {status.Server.ProcessId}), which is running")
                : null;
        }, certain: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The /metrics listener, when METRICS_ADDRESS (or <c>--metrics</c>) turns it on. The control channel does not tell
    /// which port a running server's /metrics holds, so a port in use while this policy's server runs is a warning.
    /// </summary>
    public static async Task<PreflightCheck> MetricsAsync(WebListenAddress? metrics, ServerProbe server, CancellationToken cancellationToken)
    {
        if (metrics is null)
        {
            return PreflightCheck.Ok("metrics", "metrics listener off (METRICS_ADDRESS)");
        }
        return await CheckAsync("metrics", "metrics listener", "METRICS_ADDRESS", metrics.Address, metrics.Port, async ct =>
            await server.StatusAsync(ct).ConfigureAwait(false) is { } status
                ? string.Create(CultureInfo.InvariantCulture, $"in use while this policy's server (pid {status.Server.ProcessId}) runs, which probably holds it")
                : null, certain: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The dashboard's listener (DASHBOARD_ADDRESS, or --dashboard): the same bind check as /metrics.</summary>
    public static async Task<PreflightCheck> DashboardAsync(WebListenAddress? dashboard, ServerProbe server, CancellationToken cancellationToken)
    {
        if (dashboard is null)
        {
            return PreflightCheck.Ok("dashboard", "dashboard off (DASHBOARD_ADDRESS)");
        }
        return await CheckAsync("dashboard", "dashboard listener", "DASHBOARD_ADDRESS", dashboard.Address, dashboard.Port, async ct =>
            await server.StatusAsync(ct).ConfigureAwait(false) is { } status
                ? string.Create(CultureInfo.InvariantCulture, $"in use while this policy's server (pid {status.Server.ProcessId}) runs, which probably holds it")
                : null, certain: false, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="heldByServer">For a port in use: a phrase when the running server holds it, or null.</param>
    /// <param name="certain">Whether that phrase is known ([OK]) or only likely ([WARN]).</param>
    private static async Task<PreflightCheck> CheckAsync(string check, string what, string settings, IPAddress address, int port,
        Func<CancellationToken, Task<string?>> heldByServer, bool certain, CancellationToken cancellationToken)
    {
        var where = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
        if (port == 0)
        {
            return PreflightCheck.Ok(check, $"{what} {address} port 0: the system picks a free port at start");
        }
        var error = TryBind(address, port);
        if (error is null)
        {
            return PreflightCheck.Ok(check, $"{what} {where} can be bound");
        }
        switch (error.SocketErrorCode)
        {
            case SocketError.AddressAlreadyInUse:
                if (await heldByServer(cancellationToken).ConfigureAwait(false) is { } held)
                {
                    return certain
                        ? PreflightCheck.Ok(check, $"{what} {where} is {held}")
                        : PreflightCheck.Warn(check, $"{what} {where} is {held}", "stop the server first to check the port itself");
                }
                return PreflightCheck.Err(check, $"{what} {where} is in use by another process",
                    $"find it with: ss -ltnp 'sport = :{port}'; stop it, or choose another {settings}");
            case SocketError.AccessDenied:
                return PreflightCheck.Err(check, $"{what} {where}: permission denied (ports below 1024 need privilege)",
                    "use a port from 1024 up, or grant CAP_NET_BIND_SERVICE (AmbientCapabilities=CAP_NET_BIND_SERVICE in the unit)");
            case SocketError.AddressNotAvailable:
                return PreflightCheck.Err(check, $"{what} {where}: {address} is not an address of this host",
                    $"set {settings} to one of this host's addresses");
            default:
                return PreflightCheck.Err(check, $"{what} {where} cannot be bound: {error.Message}", $"check {settings}");
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
