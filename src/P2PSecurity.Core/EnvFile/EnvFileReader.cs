using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.EnvFile;

/// <summary>
/// The one reader of a policy file's bytes, for the server's reloads, its start, the editor, the tools' validation
/// and the preflight: a missing file is not an error (the embedded defaults), an unreadable one is, with the reason.
/// </summary>
public static class EnvFileReader
{
    /// <summary>The file's bytes; null with <paramref name="exists"/> false when there is no file, null with an error when it cannot be read.</summary>
    public static byte[]? Read(string path, out bool exists, out string? error)
    {
        error = null;
        exists = true;
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            exists = false;
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// Reads the file so that the bytes belong to the stamp returned with them: if the file changed while it was
    /// read (a writer in the middle of its work), it is read again. Null bytes: the file is missing (no error) or
    /// cannot be read (error).
    /// </summary>
    internal static StampedRead ReadStamped(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            var before = FileStamp.Read(path);
            if (!before.Exists)
            {
                return new StampedRead(before, null, null);
            }
            var bytes = Read(path, out var exists, out var error);
            if (!exists)
            {
                return new StampedRead(FileStamp.Missing, null, null);
            }
            if (bytes is null)
            {
                // Keep the stamp: the file is re-read when it changes (e.g. its permissions are fixed, which moves ctime).
                return new StampedRead(before, null, error);
            }
            var after = FileStamp.Read(path);
            if (after == before || attempt == 3)
            {
                // After three unstable reads, keep the first stamp: the racy check reads again shortly.
                return new StampedRead(before, bytes, null);
            }
        }
    }
}

/// <summary>A file's bytes with the stamp they belong to (see <see cref="EnvFileReader.ReadStamped"/>).</summary>
internal readonly record struct StampedRead(FileStamp Stamp, byte[]? Bytes, string? Error);
