using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Bans;

/// <summary>
/// What a ban covers: an address range (one address or a CIDR block, in the 128-bit space of
/// <see cref="IpAddressKey"/>) or a node key. Equal targets are the same ban: <c>10.0.0.1</c> and <c>10.0.0.1/32</c>,
/// <c>::ffff:10.0.0.1</c> and <c>10.0.0.1</c>.
/// </summary>
/// <remarks>
/// 40 bytes, no reference: a node key is held as two 128-bit halves, a range as its first address and prefix length
/// (CIDR blocks are either nested or disjoint, which <see cref="BanRangeIndex"/> relies on).
/// </remarks>
public readonly record struct BanTarget
{
    private readonly UInt128 _a;
    private readonly UInt128 _b;

    private BanTarget(bool isNode, UInt128 a, UInt128 b, byte prefixBits)
    {
        IsNode = isNode;
        _a = a;
        _b = b;
        PrefixBits = prefixBits;
    }

    /// <summary>True for a node-key ban, false for an address or range.</summary>
    public bool IsNode { get; }

    /// <summary>For a range, the prefix length in the 128-bit space (an IPv4 /24 is 120).</summary>
    public byte PrefixBits { get; }

    /// <summary>The first address of a range.</summary>
    public UInt128 First => _a;

    /// <summary>The last address of a range.</summary>
    public UInt128 Last => PrefixBits == 128 ? _a : _a | (UInt128.MaxValue >> PrefixBits);

    /// <summary>The banned node key (only for <see cref="IsNode"/>).</summary>
    public NodeKey NodeKey
    {
        get
        {
            Span<byte> bytes = stackalloc byte[32];
            BinaryPrimitives.WriteUInt128BigEndian(bytes, _a);
            BinaryPrimitives.WriteUInt128BigEndian(bytes[16..], _b);
            return NodeKey.FromHash(bytes);
        }
    }

    /// <summary>"node", "address" (a single address) or "range".</summary>
    public string Kind => IsNode ? "node" : PrefixBits == 128 ? "address" : "range";

    /// <summary>A ban on a node key.</summary>
    public static BanTarget ForNode(NodeKey key)
    {
        Span<byte> bytes = stackalloc byte[32];
        key.WriteBytes(bytes);
        return new BanTarget(true, BinaryPrimitives.ReadUInt128BigEndian(bytes), BinaryPrimitives.ReadUInt128BigEndian(bytes[16..]), 0);
    }

    /// <summary>A ban on the block of <paramref name="prefixBits"/> (128-bit space) that holds <paramref name="key"/>.</summary>
    public static BanTarget ForRange(UInt128 key, int prefixBits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixBits, 128);
        var hostMask = prefixBits == 128 ? UInt128.Zero : UInt128.MaxValue >> prefixBits;
        return new BanTarget(false, key & ~hostMask, UInt128.Zero, (byte)prefixBits);
    }

    /// <summary>
    /// Parses an IP address, a CIDR block or a node key (64 hex digits). Host bits below a prefix are an error, as in
    /// the policy file: banning more than was meant is the wrong guess.
    /// </summary>
    public static bool TryParse(string? text, out BanTarget target, [NotNullWhen(false)] out string? error)
    {
        target = default;
        var s = (text ?? string.Empty).Trim();
        if (s.Length == 0)
        {
            error = "a ban target is an IP address, a CIDR range or a node key; got nothing";
            return false;
        }
        if (s.Length >= 64 && !s.Contains('.') && !s.Contains('/') && NodeKey.TryParse(s, out var key, out _))
        {
            target = ForNode(key);
            error = null;
            return true;
        }
        if (!IpRange.TryParse(s, out var range, out var rangeError))
        {
            error = $"'{Logging.LogText.Escape(s)}' is not an IP address, a CIDR range or a node key: it {rangeError}";
            return false;
        }
        var bits = 128 - (int)UInt128.Log2((range.Last - range.First) + 1);
        if (range.First == UInt128.Zero && range.Last == UInt128.MaxValue)
        {
            bits = 0;
        }
        target = new BanTarget(false, range.First, UInt128.Zero, (byte)bits);
        error = null;
        return true;
    }

    /// <summary>
    /// The order of a snapshot's bans: address bans first, by first address and, at the same first address, the
    /// larger block first (the order <see cref="BanRangeIndex"/> sweeps in); then node bans, by key. A total order:
    /// 0 only for equal targets.
    /// </summary>
    public static int CompareOrder(in BanTarget x, in BanTarget y)
    {
        if (x.IsNode != y.IsNode)
        {
            return x.IsNode ? 1 : -1;
        }
        var c = x._a.CompareTo(y._a);
        if (c != 0)
        {
            return c;
        }
        return x.IsNode ? x._b.CompareTo(y._b) : x.PrefixBits.CompareTo(y.PrefixBits);
    }

    /// <summary>True when the address key is inside this range (false for a node ban).</summary>
    public bool Covers(UInt128 address) => !IsNode && address >= First && address <= Last;

    /// <summary>The canonical written form: <c>10.0.0.0/8</c>, <c>203.0.113.7</c>, <c>2001:db8::/64</c>, or the 64 hex digits.</summary>
    public override string ToString()
    {
        if (IsNode)
        {
            return NodeKey.ToString();
        }
        var address = IpAddressKey.ToAddress(_a).ToString();
        if (PrefixBits == 128)
        {
            return address;
        }
        return IpAddressKey.IsIPv4(_a) && PrefixBits >= 96 ? $"{address}/{PrefixBits - 96}" : $"{address}/{PrefixBits}";
    }
}
