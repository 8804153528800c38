using System.Runtime.InteropServices;

namespace P2PSecurity.Core.Editing;

/// <summary>
/// fsync of a directory, which .NET does not offer (it refuses to open a directory as a file). After a rename,
/// the directory entry is only durable once the directory itself is flushed.
/// </summary>
internal static partial class UnixDirectory
{
    private const int ReadOnly = 0;

    /// <summary>Flushes the directory's entries to disk; false when the platform or file system does not allow it.</summary>
    public static bool TryFsync(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return false; // NTFS journals the rename itself; there is no directory handle to flush.
        }
        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            return false;
        }
        try
        {
            return Fsync(fd) == 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
