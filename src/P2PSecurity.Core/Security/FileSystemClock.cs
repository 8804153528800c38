using System.Runtime.InteropServices;

namespace P2PSecurity.Core.Security;

/// <summary>
/// How long after a file's last change its metadata alone cannot prove that its content is unchanged, for the file
/// system the policy file lives on (see <see cref="PolicyFileSeen.IsRacy"/>).
/// </summary>
/// <remarks>
/// Linux stamps a change with its coarse clock (one scheduler tick: 1 to 10 ms), to the nanosecond, on the local file
/// systems listed here. A write made after a read that came more than a tick after the last change gets a later change
/// time, so from then on metadata is proof enough. There the window is a few ticks (at least 20 ms), and a file
/// replaced every few hundred milliseconds is not re-read and re-hashed once a millisecond for 2 s after each change.
/// Anywhere else (FAT's 2 s times, network file systems stamped by another machine's clock, unknown types, other
/// operating systems) the window stays 2 s.
/// </remarks>
internal static class FileSystemClock
{
    public const long DefaultRacyWindowNs = PolicyFileSeen.DefaultRacyWindowNs;

    /// <summary>The shortest window used even on a file system stamped to the nanosecond.</summary>
    public const long MinimumFineWindowNs = 20_000_000;

    private const int ClockRealtimeCoarse = 5;

    private static readonly HashSet<long> FineGrained =
    [
        0xEF53,      // ext2, ext3, ext4
        0x58465342,  // xfs
        0x9123683E,  // btrfs
        0x01021994,  // tmpfs
        0x794C7630,  // overlayfs (times come from the upper layer's local file system)
        0xF2F52010,  // f2fs
        0x2FC12FC1,  // zfs
    ];

    /// <summary>The racy window for files in <paramref name="folder"/>, in nanoseconds.</summary>
    public static long RacyWindowNs(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return DefaultRacyWindowNs;
        }
        try
        {
            if (!TryFileSystemType(folder, out var type) || !FineGrained.Contains(type) || !TryCoarseTickNs(out var tick))
            {
                return DefaultRacyWindowNs;
            }
            return Math.Clamp(4 * tick, MinimumFineWindowNs, DefaultRacyWindowNs);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to ask: keep the conservative window, which is only slower, never wrong.
            return DefaultRacyWindowNs;
        }
    }

    internal static unsafe bool TryFileSystemType(string folder, out long type)
    {
        // struct statfs starts with f_type (a long on every 64-bit Linux); 256 bytes is more than its size.
        var buffer = stackalloc byte[256];
        type = 0;
        if (StatFs(folder, buffer) != 0)
        {
            return false;
        }
        type = *(long*)buffer & 0xFFFFFFFF;
        return true;
    }

    private static unsafe bool TryCoarseTickNs(out long tickNs)
    {
        var spec = stackalloc long[2];
        tickNs = 0;
        if (ClockGetRes(ClockRealtimeCoarse, spec) != 0)
        {
            return false;
        }
        tickNs = (spec[0] * 1_000_000_000) + spec[1];
        return tickNs > 0;
    }

    [DllImport("libc", EntryPoint = "statfs", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern unsafe int StatFs([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);

    [DllImport("libc", EntryPoint = "clock_getres", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern unsafe int ClockGetRes(int clock, long* result);
}
