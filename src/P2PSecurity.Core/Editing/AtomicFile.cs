namespace P2PSecurity.Core.Editing;

/// <summary>
/// Replaces a file so that a crash at any moment leaves either the old content or the new, never a mix: the new
/// bytes go to a temporary file in the same folder, are flushed to disk, and are renamed over the old name (one
/// rename(2), atomic on POSIX file systems). The old file's permission bits are kept.
/// </summary>
public static class AtomicFile
{
    /// <summary>Prefix of temporary files, so that stale ones left by a killed writer can be recognised.</summary>
    internal const string TempMarker = ".tmp-";

    /// <summary>Mode of a file that did not exist before: owner only, since a policy file may hold a secret.</summary>
    public const UnixFileMode NewFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // Temporary names start with '.', which Unix enumeration treats as hidden and skips by default.
    private static readonly EnumerationOptions StaleSearch = new() { AttributesToSkip = 0, MatchType = MatchType.Simple, RecurseSubdirectories = false };

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes) => Write(path, bytes, mode: null);

    /// <summary>
    /// As <see cref="Write(string, ReadOnlySpan{byte})"/>, the new file with exactly <paramref name="mode"/> whatever the
    /// old one had (a secret file is written 0600 even over a 0644 one).
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes, UnixFileMode? mode)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(directory, $"{TempPrefix(full)}{Environment.ProcessId}-{Random.Shared.Next():x8}");
        mode = OperatingSystem.IsWindows() ? null : mode ?? (File.Exists(full) ? File.GetUnixFileMode(full) : NewFileMode);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = NewFileMode; // tight until the chmod below sets the exact bits
            }
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows() && mode is { } m)
            {
                // chmod is not filtered by the umask, so the old mode comes back exactly.
                File.SetUnixFileMode(temp, m);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        UnixDirectory.TryFsync(directory);
    }

    /// <summary>
    /// Deletes temporary files a killed writer left beside <paramref name="path"/>. Call only while holding the
    /// file's edit lock: every writer takes it before creating its temporary file, so any found then is stale.
    /// </summary>
    public static int DeleteStaleTemporaries(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var deleted = 0;
        foreach (var stale in Directory.EnumerateFiles(directory, TempPrefix(full) + "*", StaleSearch))
        {
            if (TryDelete(stale))
            {
                deleted++;
            }
        }
        return deleted;
    }

    /// <summary>A hidden name beside the file: <c>.env</c> gives <c>.env.tmp-</c>, <c>policy.env</c> gives <c>.policy.env.tmp-</c>.</summary>
    private static string TempPrefix(string full)
    {
        var name = Path.GetFileName(full);
        return (name.StartsWith('.') ? name : "." + name) + TempMarker;
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // a leftover temporary file is harmless; the next edit under the lock tries again
        }
    }
}
