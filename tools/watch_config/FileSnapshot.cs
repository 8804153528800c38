using System.Security.Cryptography;
using P2PSecurity.Core.EnvFile;

namespace P2PSecurity.Tools.WatchConfig;

/// <summary>What the policy file looked like at one look: missing, or its metadata, bytes and hash.</summary>
internal sealed record FileSnapshot(bool Exists, long Length, DateTime ModifiedUtc, byte[]? Bytes, string? Hash, string? Error)
{
    public static FileSnapshot Missing { get; } = new(false, 0, default, null, null, null);

    /// <summary>Same content: both missing, or both read with the same hash.</summary>
    public bool SameContentAs(FileSnapshot other) =>
        Exists == other.Exists && string.Equals(Hash, other.Hash, StringComparison.Ordinal) && string.Equals(Error, other.Error, StringComparison.Ordinal);

    /// <summary>Same size and modification time: a poll need not read the file (a file event always does).</summary>
    public bool SameMetadataAs(FileSnapshot other) => Exists == other.Exists && Length == other.Length && ModifiedUtc == other.ModifiedUtc;

    public static FileSnapshot Stat(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileSnapshot(true, info.Length, info.LastWriteTimeUtc, null, null, null) : Missing;
    }

    public static FileSnapshot Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return Missing;
        }
        var bytes = EnvFileReader.Read(path, out var exists, out var error);
        if (!exists)
        {
            return Missing; // replaced between the look and the read; the rename's event brings us back
        }
        return bytes is null
            ? new FileSnapshot(true, info.Length, info.LastWriteTimeUtc, null, null, error)
            : new FileSnapshot(true, info.Length, info.LastWriteTimeUtc, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), null);
    }
}
