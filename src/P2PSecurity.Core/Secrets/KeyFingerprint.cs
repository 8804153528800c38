using System.Security.Cryptography;
using System.Text;

namespace P2PSecurity.Core.Secrets;

/// <summary>
/// The only form in which a network key is ever shown: the first 8 hex digits of SHA-256 over
/// <c>"p2psecurity-key-fingerprint"</c> followed by the secret's UTF-8 bytes. Enough to tell two keys apart in
/// status and logs; no character of the secret itself.
/// </summary>
public static class KeyFingerprint
{
    /// <summary>Shown where no key is set.</summary>
    public const string None = "none";

    private static readonly byte[] Label = "p2psecurity-key-fingerprint"u8.ToArray();

    /// <summary>The fingerprint of <paramref name="secret"/>, or <see cref="None"/> for an empty one.</summary>
    public static string Of(string secret)
    {
        if (secret.Length == 0)
        {
            return None;
        }
        var bytes = new byte[Label.Length + Encoding.UTF8.GetByteCount(secret)];
        Label.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(secret, bytes.AsSpan(Label.Length));
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        CryptographicOperations.ZeroMemory(bytes);
        return Convert.ToHexStringLower(hash[..4]);
    }
}
