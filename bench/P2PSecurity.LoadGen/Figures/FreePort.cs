using System.Net;
using System.Net.Sockets;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>A loopback port free right now, for a listener whose address must be written into a policy file before it starts.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
