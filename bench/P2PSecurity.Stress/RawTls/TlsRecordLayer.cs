using System.Buffers.Binary;

namespace P2PSecurity.Stress.RawTls;

/// <summary>Reads and writes TLS records on the network stream.</summary>
public static class TlsRecordLayer
{
    public const int HeaderSize = 5;
    public const byte ChangeCipherSpec = 20;
    public const byte Alert = 21;
    public const byte Handshake = 22;
    public const byte ApplicationData = 23;

    /// <summary>Largest plaintext per record (2^14).</summary>
    public const int MaxPlaintext = 16384;

    /// <summary>The next record (header and payload), or null when the stream ended between records.</summary>
    public static async Task<(byte[] Header, byte[] Payload)?> ReadAsync(Stream network, CancellationToken ct)
    {
        var header = new byte[HeaderSize];
        var got = await network.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, ct);
        if (got < HeaderSize)
        {
            return null;
        }
        var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(3));
        if (length > MaxPlaintext + 256)
        {
            throw new InvalidDataException($"TLS record of {length} bytes is over the limit");
        }
        var payload = new byte[length];
        await network.ReadExactlyAsync(payload, ct);
        return (header, payload);
    }

    /// <summary>An unprotected record (the ClientHello goes out this way).</summary>
    public static byte[] Plain(byte type, ReadOnlySpan<byte> payload)
    {
        var record = new byte[HeaderSize + payload.Length];
        record[0] = type;
        record[1] = 3;
        record[2] = 1; // legacy_record_version of a first ClientHello
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)payload.Length);
        payload.CopyTo(record.AsSpan(HeaderSize));
        return record;
    }
}
