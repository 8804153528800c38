using System.Diagnostics.CodeAnalysis;

namespace P2PSecurity.Server.Control;

/// <summary>
/// Reads a candidate policy file named by a check-live request, without letting the request harm the server:
/// the path must be absolute, the size is bounded, and a file that reports no size (a FIFO or a device, which
/// could block or never end) is not opened.
/// </summary>
internal static class CandidatePolicyReader
{
    /// <summary>Well above the 6.6 MB of a 100,000-key list.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    public static bool TryRead(string path, [NotNullWhen(true)] out byte[]? bytes, [NotNullWhen(false)] out string? error)
    {
        bytes = null;
        if (!Path.IsPathFullyQualified(path))
        {
            error = $"path '{path}' is not absolute; the server's working folder is not the client's";
            return false;
        }
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            error = $"no file at {path}";
            return false;
        }
        if (info.Length == 0)
        {
            bytes = [];
            error = null;
            return true;
        }
        if (info.Length > MaxBytes)
        {
            error = $"{path} is {info.Length:N0} bytes, more than the {MaxBytes:N0} a policy file may have";
            return false;
        }
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            var buffer = new byte[info.Length];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += n;
            }
            bytes = total == buffer.Length ? buffer : buffer[..total];
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read {path}: {ex.Message}";
            return false;
        }
    }
}
