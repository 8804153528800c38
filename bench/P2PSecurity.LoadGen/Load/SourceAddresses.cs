using System.Net;
using System.Net.Sockets;

namespace P2PSecurity.LoadGen.Load;

/// <summary>
/// Loopback client addresses <c>127.B.0.1</c> … <c>127.B.0.N</c>. Every 127.x address is a distinct client to the
/// server, and each has its own ephemeral ports, so a figure spread over several addresses neither hits a
/// per-address limit by accident nor runs out of ports. Figures use different <c>B</c> so their policies never meet.
/// </summary>
internal sealed class SourceAddresses
{
    private readonly IPAddress[] _addresses;

    public SourceAddresses(byte block, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 250);
        _addresses = [.. Enumerable.Range(1, count).Select(i => new IPAddress([127, block, 0, (byte)i]))];
    }

    public IReadOnlyList<IPAddress> All => _addresses;

    public IPAddress this[long index] => _addresses[(int)(index % _addresses.Length)];

    /// <summary>
    /// A TCP socket bound to <paramref name="local"/> whose port is chosen at connect time
    /// (IP_BIND_ADDRESS_NO_PORT), when the kernel knows the whole 4-tuple and can reuse ports freely.
    /// </summary>
    public static Socket Bound(IPAddress local)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (OperatingSystem.IsLinux())
            {
                const int SolIp = 0;
                const int IpBindAddressNoPort = 24;
                socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
            }
            socket.Bind(new IPEndPoint(local, 0));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
