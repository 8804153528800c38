using System.Globalization;
using System.Net;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Policy;

public sealed class IpRangeSetTests
{
    [Fact]
    public void Contains_Empty_IsFalse()
    {
        Assert.False(IpRangeSet.Empty.Contains(IPAddress.Loopback));
        Assert.False(IpRangeSet.Empty.Contains(UInt128.Zero));
        Assert.False(IpRangeSet.Empty.Contains(UInt128.MaxValue));
    }

    [Fact]
    public void Build_OverlappingAndAdjacent_Merge()
    {
        var set = new IpRangeSet([R("10.0.0.0/24"), R("10.0.1.0/24"), R("10.0.0.128/25"), R("10.0.3.0/24"), R("::/0"), R("0.0.0.0/0")]);

        Assert.Equal(1, set.RangeCount); // ::/0 covers everything, IPv4 included
        var v4 = new IpRangeSet([R("10.0.0.0/24"), R("10.0.1.0/24"), R("10.0.0.128/25"), R("10.0.3.0/24")]);
        Assert.Equal(2, v4.RangeCount);
        Assert.True(v4.Contains(IPAddress.Parse("10.0.1.255")));
        Assert.False(v4.Contains(IPAddress.Parse("10.0.2.0")));
    }

    [Fact]
    public void Contains_TopOfTheSpace_DoesNotOverflow()
    {
        var set = new IpRangeSet([R("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127"), R("::/128")]);

        Assert.True(set.Contains(UInt128.MaxValue));
        Assert.True(set.Contains(UInt128.Zero));
        Assert.False(set.Contains(UInt128.One));
    }

    /// <summary>Property test: for random ranges, the merged binary search answers exactly as a scan of the list.</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 5)]
    [InlineData(3, 50)]
    [InlineData(4, 500)]
    [InlineData(5, 3000)]
    public void Contains_RandomRanges_AgreesWithNaiveScan(int seed, int count)
    {
        var random = new Random(seed);
        var ranges = new List<IpRange>();
        for (var i = 0; i < count; i++)
        {
            ranges.Add(RandomRange(random));
        }
        var set = new IpRangeSet(ranges);

        var probes = new List<UInt128>();
        foreach (var r in ranges)
        {
            probes.Add(r.First);
            probes.Add(r.Last);
            probes.Add(r.First - 1);
            probes.Add(r.Last + 1);
        }
        for (var i = 0; i < 2000; i++)
        {
            probes.Add(RandomKey(random));
        }
        foreach (var probe in probes)
        {
            var expected = ranges.Exists(r => probe >= r.First && probe <= r.Last);
            Assert.True(expected == set.Contains(probe), $"seed {seed}: {IpAddressKey.ToAddress(probe)} expected {expected}");
        }
        Assert.True(set.RangeCount <= ranges.Count);
    }

    private static IpRange RandomRange(Random random)
    {
        string text;
        if (random.Next(3) > 0)
        {
            // IPv4 in a small corner of the space so that ranges collide, nest and touch.
            var prefix = random.Next(14, 33);
            var address = new IPAddress(NetworkOf([10, (byte)random.Next(4), (byte)random.Next(256), (byte)random.Next(256)], prefix));
            text = $"{address}/{prefix}";
        }
        else
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            bytes[0] = 0x20;
            bytes[1] = 0x01;
            bytes[2] = 0x0d;
            bytes[3] = (byte)random.Next(2);
            var prefix = random.Next(28, 129);
            text = $"{new IPAddress(NetworkOf(bytes, prefix))}/{prefix}";
        }
        Assert.True(IpRange.TryParse(text, out var range, out var error), error);
        return range;
    }

    /// <summary>Clears the bits below <paramref name="prefix"/>: a CIDR with host bits set is not a valid entry.</summary>
    private static byte[] NetworkOf(byte[] address, int prefix)
    {
        for (var bit = prefix; bit < address.Length * 8; bit++)
        {
            address[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return address;
    }

    private static UInt128 RandomKey(Random random)
    {
        if (random.Next(2) == 0)
        {
            return IpAddressKey.From(new IPAddress([10, (byte)random.Next(4), (byte)random.Next(256), (byte)random.Next(256)]));
        }
        var hi = (0x20010d00UL + (ulong)random.Next(2)) << 32 | (uint)random.Next();
        return new UInt128(hi, (ulong)random.NextInt64());
    }

    private static IpRange R(string text) =>
        IpRange.TryParse(text, out var range, out var error) ? range : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{text}: {error}"));
}
