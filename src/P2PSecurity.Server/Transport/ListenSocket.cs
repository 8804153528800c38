using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PSecurity.Server.Hosting;

namespace P2PSecurity.Server.Transport;

/// <summary>
/// The listening socket. "::" means every IPv4 and IPv6 address: an IPv6 socket with dual mode on, where IPv4
/// peers appear as <c>::ffff:a.b.c.d</c> (the policy treats both forms as one address). Any other address listens
/// on that address only.
/// </summary>
internal static class ListenSocket
{
    public static Socket Create(IPAddress address, ILogger logger)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.Equals(IPAddress.IPv6Any))
        {
            try
            {
                socket.DualMode = true;
            }
            catch (SocketException ex)
            {
                // A host with IPv4 disabled for IPv6 sockets (bindv6only): serve IPv6 and say so.
                ServerLog.DualModeUnavailable(logger, address.ToString(), ex.Message);
            }
        }
        return socket;
    }
}
