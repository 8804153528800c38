using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace P2PSecurity.Server.Control;

/// <summary>
/// Who is on the other end of an accepted Unix socket, as the kernel recorded it at <c>connect()</c>
/// (<c>SO_PEERCRED</c>: process id, user id, group id). The peer cannot forge it, unlike anything it sends.
/// </summary>
internal readonly record struct PeerCredentials(int ProcessId, uint UserId, uint GroupId)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The size of Linux's <c>struct ucred</c>: pid_t, uid_t, gid_t, 32 bits each.</summary>
    private const int UcredSize = 12;

    /// <summary>The uid the kernel reports when it has no credentials for the peer ((uid_t)-1).</summary>
    private const uint NoUser = uint.MaxValue;

    /// <summary>This process's effective user id: the user whose requests the control channel serves.</summary>
    public static uint ServerUserId { get; } = OperatingSystem.IsLinux() ? GetEuid() : uint.MaxValue;

    /// <summary>Reads the peer's credentials; false with a reason when the kernel does not give them.</summary>
    public static bool TryRead(Socket socket, out PeerCredentials credentials, [NotNullWhen(false)] out string? error)
    {
        credentials = default;
        if (!OperatingSystem.IsLinux())
        {
            error = "SO_PEERCRED is read only on Linux";
            return false;
        }
        Span<byte> ucred = stackalloc byte[UcredSize];
        int length;
        try
        {
            length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        }
        catch (SocketException ex)
        {
            error = $"getsockopt(SO_PEERCRED) failed: {ex.SocketErrorCode}";
            return false;
        }
        if (length != UcredSize)
        {
            error = $"getsockopt(SO_PEERCRED) returned {length} bytes, not {UcredSize}";
            return false;
        }
        var read = new PeerCredentials(
            MemoryMarshal.Read<int>(ucred),
            MemoryMarshal.Read<uint>(ucred[4..]),
            MemoryMarshal.Read<uint>(ucred[8..]));
        if (read.UserId == NoUser)
        {
            // A socket with no connected Unix peer answers pid 0, uid -1: nobody known, so nobody to serve.
            error = "getsockopt(SO_PEERCRED) recorded no peer (uid -1)";
            return false;
        }
        credentials = read;
        error = null;
        return true;
    }

    /// <summary>
    /// Only the server's own user and root are served. The socket's mode (0600) already keeps others out; this holds
    /// even when the mode, or the folder's, was loosened by mistake (a chmod, an umask, a shared runtime folder).
    /// </summary>
    public bool IsServed(uint serverUserId) => UserId == serverUserId || UserId == 0;

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint GetEuid();
}
