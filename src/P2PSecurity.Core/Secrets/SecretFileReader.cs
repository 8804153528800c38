using System.Text;

namespace P2PSecurity.Core.Secrets;

/// <summary>Reads a file that holds only a secret, after <see cref="SecretFileCheck"/> has found it owner-only.</summary>
public static class SecretFileReader
{
    /// <summary>A secret file is a line of text; anything larger is a wrong path, not a key.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>
    /// The secret, with one trailing newline removed (<c>echo KEY &gt; file</c> writes one); or null with
    /// <paramref name="error"/> naming the file. The secret never appears in an error.
    /// </summary>
    public static string? TryRead(string path, out string? error)
    {
        if (SecretFileCheck.Problem(path) is { } problem)
        {
            error = problem;
            return null;
        }
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxBytes)
            {
                error = $"{path} is {length:N0} bytes; a secret file holds only the secret (at most {MaxBytes:N0} bytes)";
                return null;
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"{path} cannot be read: {ex.Message}";
            return null;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            error = $"{path} is not UTF-8 text";
            return null;
        }
        finally
        {
            Array.Clear(bytes);
        }
        if (text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            text = text[..^2];
        }
        else if (text.EndsWith('\n'))
        {
            text = text[..^1];
        }
        if (text.Length == 0)
        {
            error = $"{path} is empty";
            return null;
        }
        if (text.Contains('\n', StringComparison.Ordinal))
        {
            error = $"{path} holds more than one line; a secret file holds only the secret";
            return null;
        }
        error = null;
        return text;
    }
}
