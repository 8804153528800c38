using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace P2PSecurity.Core.Secrets;

/// <summary>
/// Checks that a file holding a secret (NETWORK_SECRET_KEY_FILE, a systemd credential) is owner-only: a regular
/// file owned by the user this process runs as, with no group or other permission bits (0600 or 0400). Public so
/// that a preflight check can ask the same question the loader asks.
/// </summary>
public static class SecretFileCheck
{
    private const UnixFileMode NotOwner =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Null when the file may hold a secret; otherwise what is wrong, naming the file and its mode.</summary>
    public static string? Problem(string path)
    {
        if (!File.Exists(path))
        {
            return Directory.Exists(path) ? $"{path} is a folder, not a file" : $"{path} does not exist";
        }
        if (OperatingSystem.IsWindows())
        {
            return null; // no Unix permission bits to judge; NTFS ACLs are the operator's business
        }
        var mode = File.GetUnixFileMode(path);
        var stat = Stat(path);
        if (stat is { } s && (s.Type & 0xF000) != 0x8000)
        {
            return $"{path} is not a regular file (a device, FIFO or socket); a secret file holds only the secret";
        }
        if ((mode & NotOwner) != 0)
        {
            return $"{path} has mode {Octal(mode)}: group or others can read or write it; chmod 600 {path}";
        }
        if (stat?.Uid is { } owner && owner != geteuid())
        {
            return $"{path} (mode {Octal(mode)}) is owned by uid {owner.ToString(CultureInfo.InvariantCulture)}, not by uid {geteuid().ToString(CultureInfo.InvariantCulture)} that runs this server; chown it";
        }
        return null;
    }

    /// <summary>
    /// The mode ("0644") when group or others may read or write <paramref name="path"/>, else null (for the warning
    /// about a secret written in a .env).
    /// </summary>
    public static string? SharedMode(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return null;
        }
        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0 ? Octal(mode) : null;
    }

    /// <summary>"0644": the permission bits as chmod takes them.</summary>
    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1ff, 8).PadLeft(3, '0');

    /// <summary>The owner's uid and the file type bits from <c>statx</c>, or null off Linux or when they cannot be read.</summary>
    private static unsafe (uint Uid, int Type)? Stat(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var buffer = stackalloc byte[256];
        var utf8 = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, utf8);
        try
        {
            fixed (byte* p = utf8)
            {
                // struct statx is the same on every architecture: stx_uid is the u32 at offset 20, stx_mode the u16 at 28.
                return Statx(-100, p, 0, 0x0001 | 0x0008 /* STATX_TYPE | STATX_UID */, buffer) == 0
                    ? (*(uint*)(buffer + 20), *(ushort*)(buffer + 28))
                    : null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern unsafe int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint geteuid();
}
