using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace P2PSecurity.Core.Policy;

/// <summary>A peer to dial at start: <c>host:port</c>, <c>[v6]:port</c>, optionally pinned with <c>#nodekey</c>.</summary>
public sealed record BootstrapPeer(string Host, int Port, NodeKey? PinnedKey)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var host = Host.Contains(':') ? $"[{Host}]" : Host;
        return PinnedKey is { } key ? $"{host}:{Port}#{key}" : $"{host}:{Port}";
    }

    /// <summary>Parses one entry of BOOTSTRAP_ADDRESSES.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out BootstrapPeer? peer, [NotNullWhen(false)] out string? error)
    {
        peer = null;
        var s = text.Trim();
        NodeKey? pinned = null;
        var hash = s.IndexOf('#');
        if (hash >= 0)
        {
            if (!NodeKey.TryParse(s[(hash + 1)..], out var key, out var keyError))
            {
                error = "has a bad pinned key after '#': " + keyError;
                return false;
            }
            pinned = key;
            s = s[..hash];
        }
        string host;
        string portText;
        if (s.StartsWith('['))
        {
            var close = s.IndexOf(']');
            if (close < 0 || close + 1 >= s.Length || s[close + 1] != ':')
            {
                error = "is not host:port (IPv6 hosts are written [2001:db8::1]:9828)";
                return false;
            }
            host = s[1..close];
            portText = s[(close + 2)..];
        }
        else
        {
            var colon = s.LastIndexOf(':');
            if (colon <= 0 || s.IndexOf(':') != colon)
            {
                error = "is not host:port (e.g. 192.0.2.10:9828, node.example:9828, [2001:db8::1]:9828)";
                return false;
            }
            host = s[..colon];
            portText = s[(colon + 1)..];
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = "has no valid port (1-65535)";
            return false;
        }
        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            error = "has no valid host name or address";
            return false;
        }
        peer = new BootstrapPeer(host, port, pinned);
        error = null;
        return true;
    }
}
