using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace P2PSecurity.Stress.RawTls;

/// <summary>The TLS 1.3 key schedule for TLS_AES_128_GCM_SHA256 (RFC 8446 section 7.1).</summary>
internal static class Tls13KeySchedule
{
    public const int HashSize = 32;

    public static byte[] Extract(byte[] salt, byte[] inputKey) => HKDF.Extract(HashAlgorithmName.SHA256, inputKey, salt);

    /// <summary>HKDF-Expand-Label(secret, label, context, length).</summary>
    public static byte[] ExpandLabel(byte[] secret, string label, ReadOnlySpan<byte> context, int length)
    {
        var fullLabel = Encoding.ASCII.GetBytes("tls13 " + label);
        var info = new byte[2 + 1 + fullLabel.Length + 1 + context.Length];
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)length);
        info[2] = (byte)fullLabel.Length;
        fullLabel.CopyTo(info, 3);
        info[3 + fullLabel.Length] = (byte)context.Length;
        context.CopyTo(info.AsSpan(4 + fullLabel.Length));
        return HKDF.Expand(HashAlgorithmName.SHA256, secret, length, info);
    }

    /// <summary>Derive-Secret(secret, label, messages) with the transcript hash already computed.</summary>
    public static byte[] DeriveSecret(byte[] secret, string label, ReadOnlySpan<byte> transcriptHash) =>
        ExpandLabel(secret, label, transcriptHash, HashSize);

    /// <summary>The handshake secret from the (EC)DHE shared secret, with no PSK.</summary>
    public static byte[] HandshakeSecret(byte[] sharedSecret)
    {
        var early = Extract(new byte[HashSize], new byte[HashSize]);
        var derived = DeriveSecret(early, "derived", SHA256.HashData([]));
        return Extract(derived, sharedSecret);
    }

    public static byte[] MasterSecret(byte[] handshakeSecret)
    {
        var derived = DeriveSecret(handshakeSecret, "derived", SHA256.HashData([]));
        return Extract(derived, new byte[HashSize]);
    }

    /// <summary>The verify_data of a Finished message sent with <paramref name="baseKey"/> over the transcript so far.</summary>
    public static byte[] FinishedData(byte[] baseKey, ReadOnlySpan<byte> transcriptHash) =>
        HMACSHA256.HashData(ExpandLabel(baseKey, "finished", [], HashSize), transcriptHash);
}
