using System.Net.Sockets;

namespace P2PSecurity.Server.Control;

/// <summary>
/// Binds the control socket so that only the owner can use it, and deals with a socket file left behind by a
/// server that crashed: if something answers on it, another server is running and this one must not start; if
/// nothing answers, the file is stale and is replaced.
/// </summary>
internal static class ControlSocketBinder
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Returns a listening socket at <paramref name="path"/>, mode 0600, and whether a stale file was removed.</summary>
    public static (Socket Listener, bool RemovedStale) Bind(string path, int backlog)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new ControlChannelException("the control channel uses a Unix domain socket; this build does not open one on Windows");
        }
        UnixDomainSocketEndPoint endPoint;
        try
        {
            endPoint = new UnixDomainSocketEndPoint(path);
        }
        catch (ArgumentException ex)
        {
            throw new ControlChannelException($"CONTROL_SOCKET {path} cannot be a socket path ({ex.Message}); choose a shorter path", ex);
        }
        var directory = Path.GetDirectoryName(path);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new ControlChannelException($"CONTROL_SOCKET {path}: the folder {directory} does not exist");
        }
        var removedStale = File.Exists(path) && RemoveIfStale(path, endPoint);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(endPoint);
            // Before listen(), a connect() is refused, so nobody can talk to the socket while the umask's mode
            // is on it; chmod is not filtered by the umask, so the mode is exactly owner read/write.
            File.SetUnixFileMode(path, OwnerOnly);
            listener.Listen(backlog);
            return (listener, removedStale);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            listener.Dispose();
            throw new ControlChannelException($"another process created the control socket {path} at the same moment; is a second server starting?", ex);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            listener.Dispose();
            throw new ControlChannelException($"cannot open the control socket {path}: {ex.Message}", ex);
        }
    }

    private static bool RemoveIfStale(string path, UnixDomainSocketEndPoint endPoint)
    {
        if (SomeoneListens(path, endPoint))
        {
            throw new ControlChannelException(
                $"another server is already running with the control socket {path}; stop it first, or give this one another CONTROL_SOCKET");
        }
        // A socket file has no content; a file with content is someone's data, never deleted.
        if (new FileInfo(path).Length > 0)
        {
            throw new ControlChannelException($"CONTROL_SOCKET {path} is an existing file, not a socket; choose another path");
        }
        File.Delete(path);
        return true;
    }

    /// <summary>Connects to the path: an answer means a live server; a refusal means a stale file or no socket at all.</summary>
    private static bool SomeoneListens(string path, UnixDomainSocketEndPoint endPoint)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(endPoint);
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            return false;
        }
        catch (SocketException ex)
        {
            throw new ControlChannelException($"cannot tell whether a server owns {path}: {ex.Message}", ex);
        }
    }
}
