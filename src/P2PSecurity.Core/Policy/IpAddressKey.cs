using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// Addresses as 128-bit numbers in one space: IPv4 a.b.c.d is held as the IPv4-mapped IPv6 address ::ffff:a.b.c.d,
/// so a rule on one form matches the other, in the file and on the wire.
/// </summary>
public static class IpAddressKey
{
    private static readonly UInt128 MappedPrefix = new(0, 0x0000_FFFF_0000_0000UL);

    /// <summary>The 128-bit key of an address; IPv4 and IPv4-mapped IPv6 give the same key.</summary>
    public static UInt128 From(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes[12..], out _);
            return MappedPrefix | BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]);
        }
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>True when the key lies in the IPv4-mapped range, i.e. it is an IPv4 address.</summary>
    public static bool IsIPv4(UInt128 key) => (key >> 32) == (MappedPrefix >> 32);

    /// <summary>The address a key stands for, IPv4 addresses in their dotted form.</summary>
    public static IPAddress ToAddress(UInt128 key)
    {
        if (IsIPv4(key))
        {
            return new IPAddress(BinaryPrimitives.ReverseEndianness((uint)key));
        }
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, key);
        return new IPAddress(bytes);
    }

    /// <summary>
    /// The key the per-address limits count under: an IPv4 address (or IPv4-mapped IPv6) is itself, an IPv6 address
    /// is its network of <paramref name="ipv6Prefix"/> bits (48 to 128), host bits cleared. One /64, which every home
    /// user gets, is then one peer for MAX_CONNECTIONS_PER_IP and the rate limits, however many addresses it uses.
    /// </summary>
    /// <remarks>
    /// A cleared IPv6 prefix never lands in the IPv4-mapped range ::ffff:0:0/96: a prefix shorter than 96 bits clears
    /// some of the bits that range needs set, and a longer one keeps the first 96 bits, which were not the mapped ones
    /// (or the address would have been IPv4). So an IPv4 peer and an IPv6 network never share a state.
    /// </remarks>
    public static UInt128 LimitKey(UInt128 key, int ipv6Prefix)
    {
        if (IsIPv4(key) || ipv6Prefix >= 128)
        {
            return key;
        }
        return key & ~(UInt128.MaxValue >> Math.Max(0, ipv6Prefix));
    }

    /// <summary>An address with IPv4-mapped IPv6 turned into plain IPv4, for display and per-IP accounting.</summary>
    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
