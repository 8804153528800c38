using System.Buffers.Binary;

namespace P2PSecurity.Stress.RawTls;

/// <summary>Reads TLS structures from a byte array; a read past the end throws <see cref="InvalidDataException"/>.</summary>
internal sealed class TlsReader(byte[] data, int offset = 0, int? end = null)
{
    private readonly int _end = end ?? data.Length;
    private int _pos = offset;

    public bool AtEnd => _pos >= _end;

    public int U8() => Take(1)[0];

    public int U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public int U24()
    {
        var b = Take(3);
        return (b[0] << 16) | (b[1] << 8) | b[2];
    }

    public byte[] Bytes(int count) => Take(count).ToArray();

    public byte[] Vector8() => Bytes(U8());

    public byte[] Vector16() => Bytes(U16());

    public byte[] Vector24() => Bytes(U24());

    /// <summary>A reader over the next <paramref name="length"/> bytes; this reader moves past them.</summary>
    public TlsReader Sub(int length)
    {
        Take(length);
        return new TlsReader(data, _pos - length, _pos);
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _pos + count > _end)
        {
            throw new InvalidDataException($"TLS structure ends early: need {count} bytes at {_pos}, have {_end - _pos}");
        }
        _pos += count;
        return data.AsSpan(_pos - count, count);
    }
}
