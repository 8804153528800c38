using System.Runtime.InteropServices;
using System.Text;

namespace P2PSecurity.Core.Preflight;

/// <summary>
/// Who owns a file, and who this process is: what "owner-only" needs beyond the mode bits that .NET shows.
/// One <c>statx</c> call (the same struct on every Linux architecture, unlike <c>struct stat</c>).
/// </summary>
internal static class UnixFileOwner
{
    /// <summary>The file's owner uid, or null when it cannot be told (not Linux, no such file, statx refused).</summary>
    public static unsafe uint? OwnerOf(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        var buffer = stackalloc byte[256];
        fixed (byte* p = bytes)
        {
            if (Statx(AtFdCwd, p, 0, StatxUid, buffer) != 0)
            {
                return null;
            }
        }
        return *(uint*)(buffer + 20); // stx_uid
    }

    /// <summary>This process's effective uid, or null off Unix.</summary>
    public static uint? EffectiveUser() => OperatingSystem.IsWindows() ? null : GetEuid();

    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x0008;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern unsafe int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint GetEuid();
}
