using System.Buffers.Binary;

namespace P2PSecurity.Core.Protocol;

/// <summary>Writes a frame body into an array sized in advance.</summary>
internal ref struct BodyWriter(byte[] buffer)
{
    private readonly byte[] _buffer = buffer;
    private int _position;

    public readonly int Position => _position;

    public void Byte(byte value) => _buffer[_position++] = value;

    public void UInt16(int value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_position), checked((ushort)value));
        _position += 2;
    }

    public void UInt32(long value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_position), checked((uint)value));
        _position += 4;
    }

    public void UInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_position), value);
        _position += 8;
    }

    public void Bytes(scoped ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer.AsSpan(_position));
        _position += value.Length;
    }
}
