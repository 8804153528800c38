using System.Buffers.Binary;

namespace P2PSecurity.Core.Protocol;

/// <summary>Reads a frame body front to back; every read checks the length, so a short body fails, never throws.</summary>
internal ref struct BodyReader(ReadOnlySpan<byte> body)
{
    private ReadOnlySpan<byte> _rest = body;

    public readonly int Remaining => _rest.Length;

    public bool TryByte(out byte value)
    {
        value = 0;
        if (_rest.Length < 1)
        {
            return false;
        }
        value = _rest[0];
        _rest = _rest[1..];
        return true;
    }

    public bool TryUInt16(out ushort value)
    {
        value = 0;
        if (_rest.Length < 2)
        {
            return false;
        }
        value = BinaryPrimitives.ReadUInt16BigEndian(_rest);
        _rest = _rest[2..];
        return true;
    }

    public bool TryUInt32(out uint value)
    {
        value = 0;
        if (_rest.Length < 4)
        {
            return false;
        }
        value = BinaryPrimitives.ReadUInt32BigEndian(_rest);
        _rest = _rest[4..];
        return true;
    }

    public bool TryUInt64(out ulong value)
    {
        value = 0;
        if (_rest.Length < 8)
        {
            return false;
        }
        value = BinaryPrimitives.ReadUInt64BigEndian(_rest);
        _rest = _rest[8..];
        return true;
    }

    public bool TryBytes(int count, out byte[] value)
    {
        value = [];
        if (count < 0 || _rest.Length < count)
        {
            return false;
        }
        value = _rest[..count].ToArray();
        _rest = _rest[count..];
        return true;
    }

    public byte[] Rest()
    {
        var value = _rest.ToArray();
        _rest = [];
        return value;
    }
}
