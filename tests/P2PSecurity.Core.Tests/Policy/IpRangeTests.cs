using System.Net;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Policy;

public sealed class IpRangeTests
{
    [Theory]
    [InlineData("1.2.3.4", "1.2.3.4", "1.2.3.4", "1.2.3.4")]
    [InlineData("10.0.0.0/8", "10.0.0.0/8", "10.0.0.0", "10.255.255.255")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", "0.0.0.0", "255.255.255.255")]
    [InlineData("192.0.2.128/25", "192.0.2.128/25", "192.0.2.128", "192.0.2.255")]
    [InlineData("::ffff:1.2.3.4", "1.2.3.4", "1.2.3.4", "1.2.3.4")]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0/8", "10.0.0.0", "10.255.255.255")]
    [InlineData("2001:db8::/32", "2001:db8::/32", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("::/0", "::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("::1", "::1", "::1", "::1")]
    [InlineData(" 192.0.2.1 ", "192.0.2.1", "192.0.2.1", "192.0.2.1")]
    [InlineData("192.0.2.0/024", "192.0.2.0/24", "192.0.2.0", "192.0.2.255")]
    [InlineData("192.0.2.1/32", "192.0.2.1", "192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8::1/128", "2001:db8::1", "2001:db8::1", "2001:db8::1")]
    [InlineData("0.0.0.0/00", "0.0.0.0/0", "0.0.0.0", "255.255.255.255")]
    public void TryParse_GoodRange_HasCanonicalFormAndBounds(string text, string canonical, string first, string last)
    {
        Assert.True(IpRange.TryParse(text, out var range, out var error), error);

        Assert.Equal(canonical, range.Canonical);
        Assert.Equal(IpAddressKey.From(IPAddress.Parse(first)), range.First);
        Assert.Equal(IpAddressKey.From(IPAddress.Parse(last)), range.Last);
        Assert.True(range.Contains(IPAddress.Parse(first)));
        Assert.True(range.Contains(IPAddress.Parse(last)));
    }

    [Theory]
    [InlineData("10.1.2.3/8", "/8", "10.0.0.0/8", "10.1.2.3/32")]
    [InlineData("192.0.2.77/24", "/24", "192.0.2.0/24", "192.0.2.77/32")]
    [InlineData("2001:db8::1/64", "/64", "2001:db8::/64", "2001:db8::1/128")]
    [InlineData("2001:db8:0:0:0:0:0:1/32", "/32", "2001:db8::/32", "2001:db8::1/128")]
    [InlineData("::ffff:10.1.2.3/104", "/104", "10.0.0.0/8", "10.1.2.3/32")]
    public void TryParse_HostBitsSet_IsAnErrorOfferingBothReadings(string text, string prefix, string network, string address)
    {
        Assert.False(IpRange.TryParse(text, out var range, out var error));

        Assert.Null(range);
        Assert.Equal($"has host bits set below its {prefix} prefix: did you mean {network} or {address}?", error);
    }

    [Theory]
    [InlineData("010.0.0.1")]
    [InlineData("1.2.3.04")]
    [InlineData("10.00.0.1/8")]
    [InlineData("0x0a.0.0.1")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.")]
    [InlineData("1.2.3.4/+8")]
    public void TryParse_AmbiguousOrShortIPv4_IsRejected(string text) =>
        Assert.False(IpRange.TryParse(text, out _, out _));

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.0.0.0/8")]
    [InlineData("255.255.255.255/32")]
    [InlineData("100.64.0.0/10")]
    public void TryParse_PlainDecimalIPv4_WithZeros_IsAccepted(string text) =>
        Assert.True(IpRange.TryParse(text, out _, out _));

    [Fact]
    public void Canonical_RandomIPv4_IsTheAddressAndPrefixAsWrittenOrAHostBitsError()
    {
        var random = new Random(11);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[4];
            random.NextBytes(bytes);
            var prefix = random.Next(0, 34);
            var text = prefix == 33 ? new IPAddress(bytes).ToString() : $"{new IPAddress(bytes)}/{prefix}";
            var bits = prefix == 33 ? 32 : prefix;
            var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
            var network = new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes) & mask));
            var expected = bits == 32 ? network.ToString() : $"{network}/{bits}";

            if (!network.Equals(new IPAddress(bytes)))
            {
                // Host bits below the prefix: refused, never widened to the network.
                Assert.False(IpRange.TryParse(text, out _, out var hostBits));
                Assert.EndsWith($"did you mean {network}/{bits} or {new IPAddress(bytes)}/32?", hostBits, StringComparison.Ordinal);
                continue;
            }
            Assert.True(IpRange.TryParse(text, out var range, out var error), error);
            Assert.Equal(expected, range.Canonical);
        }
    }

    [Fact]
    public void AddressKey_IPv4AndMapped_AreOneKey()
    {
        var v4 = IPAddress.Parse("198.51.100.7");

        Assert.Equal(IpAddressKey.From(v4), IpAddressKey.From(v4.MapToIPv6()));
        Assert.True(IpAddressKey.IsIPv4(IpAddressKey.From(v4)));
        Assert.False(IpAddressKey.IsIPv4(IpAddressKey.From(IPAddress.Parse("::198.51.100.7"))));
        Assert.Equal(v4, IpAddressKey.ToAddress(IpAddressKey.From(v4.MapToIPv6())));
        Assert.Equal(v4, IpAddressKey.Normalize(v4.MapToIPv6()));
        Assert.Equal(IPAddress.IPv6Loopback, IpAddressKey.ToAddress(IpAddressKey.From(IPAddress.IPv6Loopback)));
    }
}
