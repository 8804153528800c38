using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PSecurity.Stress.RawTls;

/// <summary>AES-128-GCM record protection for one direction and one traffic secret (RFC 8446 section 5.2).</summary>
internal sealed class RecordProtection : IDisposable
{
    private const int TagSize = 16;
    private readonly AesGcm _aead;
    private readonly byte[] _iv;
    private ulong _sequence;

    public RecordProtection(byte[] trafficSecret)
    {
        _aead = new AesGcm(Tls13KeySchedule.ExpandLabel(trafficSecret, "key", [], 16), TagSize);
        _iv = Tls13KeySchedule.ExpandLabel(trafficSecret, "iv", [], 12);
    }

    /// <summary>A whole protected record (header included) carrying <paramref name="content"/> of the inner type.</summary>
    public byte[] Seal(byte contentType, ReadOnlySpan<byte> content)
    {
        var innerLength = content.Length + 1;
        var record = new byte[TlsRecordLayer.HeaderSize + innerLength + TagSize];
        record[0] = TlsRecordLayer.ApplicationData;
        record[1] = 3;
        record[2] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)(innerLength + TagSize));
        var inner = new byte[innerLength];
        content.CopyTo(inner);
        inner[^1] = contentType;
        _aead.Encrypt(NextNonce(), inner, record.AsSpan(TlsRecordLayer.HeaderSize, innerLength),
            record.AsSpan(TlsRecordLayer.HeaderSize + innerLength, TagSize), record.AsSpan(0, TlsRecordLayer.HeaderSize));
        return record;
    }

    /// <summary>Decrypts a protected record; returns its inner content type and content. A bad record throws.</summary>
    public (byte Type, byte[] Content) Open(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        if (payload.Length < TagSize + 1)
        {
            throw new InvalidDataException("protected record shorter than its tag");
        }
        var plain = new byte[payload.Length - TagSize];
        _aead.Decrypt(NextNonce(), payload[..plain.Length], payload[plain.Length..], plain, header);
        var end = plain.Length - 1;
        while (end >= 0 && plain[end] == 0)
        {
            end--; // strip the padding
        }
        if (end < 0)
        {
            throw new InvalidDataException("protected record with no content type");
        }
        return (plain[end], plain[..end]);
    }

    public void Dispose() => _aead.Dispose();

    private byte[] NextNonce()
    {
        var nonce = (byte[])_iv.Clone();
        for (var i = 0; i < 8; i++)
        {
            nonce[11 - i] ^= (byte)(_sequence >> (8 * i));
        }
        _sequence++;
        return nonce;
    }
}
