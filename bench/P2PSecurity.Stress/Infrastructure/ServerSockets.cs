using System.Globalization;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>
/// The server's TCP connections as the kernel lists them (/proc/net/tcp and tcp6): sockets whose local port is the
/// server's, by state. More exact than counting descriptors, which also move for reasons of the runtime's own
/// (epoll instances, files opened on first use).
/// </summary>
public static class ServerSockets
{
    /// <summary>
    /// Connections the server still holds open: established, half-open (SYN received) or closed by the peer but not
    /// yet by the server (CLOSE_WAIT). A connection the server has closed (FIN_WAIT, TIME_WAIT) is not counted.
    /// </summary>
    public static int OpenConnections(int port)
    {
        var count = 0;
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // "  12: 0100007F:1F90 0100007F:C350 01 ..." local address:port, remote address:port, state (hex)
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4)
                {
                    continue;
                }
                var local = fields[1];
                var localPort = int.Parse(local.AsSpan(local.LastIndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (localPort == port && fields[3] is "01" or "03" or "08")
                {
                    count++;
                }
            }
        }
        return count;
    }

    /// <summary>
    /// Connections on <paramref name="port"/> that the server has accepted and not closed yet, split into IPv4 peers
    /// (IPv4-mapped on the dual-stack listener) and peers at ::1. Accepted means a socket is attached (its inode is not
    /// 0): a connection still in the listen backlog, or one the server closed, has none. So this is what the server
    /// holds, not what the clients believe (a loaded client notices a close late).
    /// </summary>
    public static (int Ipv4, int Ipv6Loopback) Accepted(int port)
    {
        const string Mapped = "0000000000000000FFFF0000"; // ::ffff:a.b.c.d, as the kernel prints it
        const string Loopback6 = "00000000000000000000000001000000"; // ::1
        var (ipv4, ipv6) = (0, 0);
        if (!File.Exists("/proc/net/tcp6"))
        {
            return (0, 0);
        }
        foreach (var line in File.ReadLines("/proc/net/tcp6").Skip(1))
        {
            // "  12: local:port remote:port st tx:rx tr:when retrnsmt uid timeout inode ..."
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || fields[3] is not ("01" or "08") || fields[9] == "0")
            {
                continue;
            }
            var local = fields[1];
            if (int.Parse(local.AsSpan(local.LastIndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture) != port)
            {
                continue;
            }
            var remote = fields[2].AsSpan(0, fields[2].LastIndexOf(':'));
            if (remote.StartsWith(Mapped, StringComparison.Ordinal))
            {
                ipv4++;
            }
            else if (remote.SequenceEqual(Loopback6))
            {
                ipv6++;
            }
        }
        return (ipv4, ipv6);
    }

    /// <summary>
    /// Sockets the process holds (descriptors that are sockets). After a peer's reset the kernel drops the connection
    /// from its tables at once, but the server holds the socket until it has read the reset and closed it: so both
    /// this and <see cref="OpenConnections"/> must come back down before the server has let go of everything.
    /// </summary>
    public static int SocketDescriptors(int pid)
    {
        var count = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true)
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // Closed between the listing and the look: not held any more.
            }
        }
        return count;
    }

    /// <summary>
    /// Waits (polling: the kernel's tables raise no event) until the server holds no connection on
    /// <paramref name="port"/> and no more sockets than <paramref name="baselineSockets"/>, or the bound passes.
    /// Returns what was still held then.
    /// </summary>
    public static async Task<(int Connections, int ExtraSockets)> SettleAsync(int pid, int port, int baselineSockets, TimeSpan bound, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var connections = OpenConnections(port);
            var extra = Math.Max(0, SocketDescriptors(pid) - baselineSockets);
            if ((connections == 0 && extra == 0) || clock.Elapsed > bound)
            {
                return (connections, extra);
            }
            await Task.Delay(100, ct);
        }
    }
}
