namespace P2PSecurity.Core.Security;

/// <summary>
/// The secret files a policy reads (NETWORK_SECRET_KEY_FILE, the systemd credential) and their stamps when last read,
/// so that a changed key file reloads like a changed policy file. Immutable; a reload publishes a new one.
/// </summary>
internal sealed class SecretFilesWatch
{
    private readonly string[] _paths;
    private readonly byte[][] _utf8;
    private readonly FileStamp[] _stamps;

    public static readonly SecretFilesWatch Empty = new([], [], []);

    /// <summary>A stamp no real file has (a size of -1): a file with it counts as moved at the next check.</summary>
    private static readonly FileStamp Unseen = new(true, 0, 0, -1, 0, 0);

    private SecretFilesWatch(string[] paths, byte[][] utf8, FileStamp[] stamps)
    {
        _paths = paths;
        _utf8 = utf8;
        _stamps = stamps;
    }

    public IReadOnlyList<string> Paths => _paths;

    /// <summary>Stamps every file now. Taken before a load reads them, so a write during the load is seen next time.</summary>
    public static SecretFilesWatch Take(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            return Empty;
        }
        var p = paths.ToArray();
        var utf8 = p.Select(FileStamp.Utf8).ToArray();
        var stamps = new FileStamp[p.Length];
        for (var i = 0; i < p.Length; i++)
        {
            stamps[i] = FileStamp.Read(p[i], utf8[i]);
        }
        return new SecretFilesWatch(p, utf8, stamps);
    }

    /// <summary>
    /// A watch of <paramref name="paths"/>, the files a load just named. A file this watch had keeps its stamp, taken
    /// before the load read it, so a write during the load is still seen. A file first named by this load was read
    /// before anything stamped it: stamping it now could hide a write between that read and now (a key file replaced
    /// just after a policy file that names a new previous-key file). It gets a stamp no file has instead, so the next
    /// check reads the files once more, which costs a load that finds the same keys.
    /// </summary>
    public SecretFilesWatch For(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            return Empty;
        }
        var p = paths.ToArray();
        var utf8 = p.Select(FileStamp.Utf8).ToArray();
        var stamps = new FileStamp[p.Length];
        for (var i = 0; i < p.Length; i++)
        {
            var known = Array.IndexOf(_paths, p[i]);
            stamps[i] = known >= 0 ? _stamps[known] : Unseen;
        }
        return new SecretFilesWatch(p, utf8, stamps);
    }

    /// <summary>The same files stamped now (for a load that names the same files as the one before).</summary>
    public SecretFilesWatch Restamp() => Take(_paths);

    /// <summary>True when any file moved since it was stamped: one <c>statx</c> per file, no allocation.</summary>
    public bool Moved()
    {
        for (var i = 0; i < _paths.Length; i++)
        {
            if (FileStamp.Read(_paths[i], _utf8[i]) != _stamps[i])
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether this watch covers exactly <paramref name="paths"/>.</summary>
    public bool Covers(IReadOnlyList<string> paths) => paths.SequenceEqual(_paths, StringComparer.Ordinal);
}
