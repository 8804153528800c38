using System.Runtime.InteropServices;
using System.Text;

namespace P2PSecurity.Core.Security;

/// <summary>
/// A file's identity and version as the file system reports it: device and inode (a rename-replace gives a new
/// inode), size, and modification and change times at full (nanosecond) precision, in nanoseconds since the Unix
/// epoch (so that they compare with the wall clock for the racy check). Two stamps are compared with
/// equality only, so a modification time that moves backwards (<c>cp -p</c>, <c>git checkout</c>) is a change.
/// </summary>
internal readonly record struct FileStamp(bool Exists, ulong Device, ulong Inode, long Size, long ModifiedNs, long ChangedNs)
{
    public static readonly FileStamp Missing = new(false, 0, 0, 0, 0, 0);

    /// <summary>One <c>statx</c> system call on Linux (about 1 µs, no allocation); FileInfo elsewhere.</summary>
    public static FileStamp Read(string path) => Read(path, null);

    /// <summary>As <see cref="Read(string)"/>, with the path already as null-terminated UTF-8 (a second watched file).</summary>
    public static FileStamp Read(string path, byte[]? utf8Path)
    {
        if (OperatingSystem.IsLinux() && s_statxAvailable)
        {
            try
            {
                if (TryReadStatx(utf8Path ?? PathBytes(path), out var stamp))
                {
                    return stamp;
                }
            }
            catch (EntryPointNotFoundException)
            {
                // glibc older than 2.28 has no statx wrapper.
                s_statxAvailable = false;
            }
        }
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return Missing;
        }
        // Ticks are 100 ns; that is the best precision .NET offers off Linux. Without a change time, the latest of the
        // write and creation times stands in for it (a rename-replace brings a new creation time).
        var written = (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100;
        var created = (info.CreationTimeUtc - DateTime.UnixEpoch).Ticks * 100;
        return new FileStamp(true, 0, 0, info.Length, written, Math.Max(written, created));
    }

    private static bool s_statxAvailable = true;

    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x07ff;

    /// <summary>False when statx itself is unavailable; a missing file is a successful read of <see cref="Missing"/>.</summary>
    private static unsafe bool TryReadStatx(byte[] path, out FileStamp stamp)
    {
        // struct statx is the same on every Linux architecture (unlike struct stat); 256 bytes.
        var buffer = stackalloc byte[256];
        int result;
        fixed (byte* utf8Path = path)
        {
            result = Statx(AtFdCwd, utf8Path, 0, StatxBasicStats, buffer);
        }
        if (result != 0)
        {
            if (Marshal.GetLastPInvokeError() is ENOSYS or EPERM)
            {
                // A kernel without statx, or a seccomp filter that refuses it (older container runtimes): every file
                // would look missing and no reload would ever happen. Use FileInfo from now on.
                s_statxAvailable = false;
                stamp = default;
                return false;
            }
            stamp = Missing;
            return true;
        }
        var size = *(long*)(buffer + 40);
        var inode = *(ulong*)(buffer + 32);
        var ctime = (*(long*)(buffer + 96) * 1_000_000_000L) + *(uint*)(buffer + 104);
        var mtime = (*(long*)(buffer + 112) * 1_000_000_000L) + *(uint*)(buffer + 120);
        var device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        stamp = new FileStamp(true, device, inode, size, mtime, ctime);
        return true;
    }

    private const int EPERM = 1;
    private const int ENOSYS = 38;

    /// <summary>The last path asked for, as null-terminated UTF-8 (the manager asks for one path on every connection).</summary>
    private static Utf8Path? s_lastPath;

    /// <summary>A path as null-terminated UTF-8, for <see cref="Read(string, byte[])"/>.</summary>
    public static byte[] Utf8(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    private static byte[] PathBytes(string path)
    {
        var last = Volatile.Read(ref s_lastPath);
        if (last is not null && string.Equals(last.Path, path, StringComparison.Ordinal))
        {
            return last.Bytes;
        }
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        Volatile.Write(ref s_lastPath, new Utf8Path(path, bytes));
        return bytes;
    }

    private sealed record Utf8Path(string Path, byte[] Bytes);

    // The path goes as bytes converted once, not as a string the marshaller converts on every call.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern unsafe int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);
}
