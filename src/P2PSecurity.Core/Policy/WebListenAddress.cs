using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// Where an HTTP listener (DASHBOARD_ADDRESS, METRICS_ADDRESS) binds: <c>off</c>, <c>on</c> (the listener's
/// default), or <c>ADDRESS:PORT</c> with an IP address (IPv6 in brackets) and a port (0: any free port).
/// </summary>
public sealed record WebListenAddress(IPAddress Address, int Port)
{
    /// <summary>The setting's value that turns the listener off.</summary>
    public const string Off = "off";

    /// <summary>DASHBOARD_ADDRESS when the file does not say.</summary>
    public static WebListenAddress DashboardDefault { get; } = new(IPAddress.Loopback, 9829);

    /// <summary>METRICS_ADDRESS for <c>on</c>.</summary>
    public static WebListenAddress MetricsDefault { get; } = new(IPAddress.Loopback, 9830);

    /// <summary>True when only this host can reach the listener (127.0.0.0/8, ::1).</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>
    /// Reads a setting's value; true with <paramref name="address"/> null for <c>off</c>. False with an error
    /// that says what would be valid.
    /// </summary>
    public static bool TryParse(string value, WebListenAddress onDefault, out WebListenAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        error = null;
        var v = value.Trim();
        if (v.Equals(Off, StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (v.Equals("on", StringComparison.OrdinalIgnoreCase) || v.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            address = onDefault;
            return true;
        }
        var colon = v.LastIndexOf(':');
        if (colon > 0 && int.TryParse(v.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535)
        {
            var host = v[..colon];
            if (host.StartsWith('[') && host.EndsWith(']'))
            {
                host = host[1..^1];
            }
            else if (host.Contains(':', StringComparison.Ordinal))
            {
                host = ""; // an IPv6 address needs brackets, or its last group reads as the port
            }
            if (IPAddress.TryParse(host, out var ip))
            {
                address = new WebListenAddress(ip, port);
                return true;
            }
        }
        error = $"is not off, on or ADDRESS:PORT (e.g. {onDefault}, [::1]:{onDefault.Port}, 0.0.0.0:{onDefault.Port})";
        return false;
    }

    /// <summary>The setting's text for an address or <c>off</c>.</summary>
    public static string Format(WebListenAddress? address) => address?.ToString() ?? Off;

    public override string ToString() => new IPEndPoint(Address, Port).ToString();
}
