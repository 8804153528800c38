using System.Buffers.Binary;

namespace P2PSecurity.Stress.RawTls;

/// <summary>Builds TLS structures: big-endian integers and length-prefixed vectors (RFC 8446 section 3).</summary>
internal sealed class TlsWriter
{
    private readonly MemoryStream _bytes = new();

    public TlsWriter U8(int value)
    {
        _bytes.WriteByte((byte)value);
        return this;
    }

    public TlsWriter U16(int value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)value);
        _bytes.Write(b);
        return this;
    }

    public TlsWriter U24(int value)
    {
        _bytes.WriteByte((byte)(value >> 16));
        _bytes.WriteByte((byte)(value >> 8));
        _bytes.WriteByte((byte)value);
        return this;
    }

    public TlsWriter Bytes(ReadOnlySpan<byte> value)
    {
        _bytes.Write(value);
        return this;
    }

    /// <summary>A vector with a one-byte length.</summary>
    public TlsWriter Vector8(Action<TlsWriter> content) => Vector(content, 1);

    /// <summary>A vector with a two-byte length.</summary>
    public TlsWriter Vector16(Action<TlsWriter> content) => Vector(content, 2);

    /// <summary>A vector with a three-byte length.</summary>
    public TlsWriter Vector24(Action<TlsWriter> content) => Vector(content, 3);

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>A handshake message: its type, a three-byte length, the body.</summary>
    public static byte[] Handshake(byte type, Action<TlsWriter> body) => new TlsWriter().U8(type).Vector24(body).ToArray();

    private TlsWriter Vector(Action<TlsWriter> content, int lengthSize)
    {
        var inner = new TlsWriter();
        content(inner);
        var bytes = inner.ToArray();
        _ = lengthSize switch
        {
            1 => U8(bytes.Length),
            2 => U16(bytes.Length),
            _ => U24(bytes.Length),
        };
        return Bytes(bytes);
    }
}
