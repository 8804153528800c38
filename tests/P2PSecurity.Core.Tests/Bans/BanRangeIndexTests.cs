using P2PSecurity.Core.Bans;

namespace P2PSecurity.Core.Tests.Bans;

/// <summary>The flattened index must answer exactly as a scan of every ban would, nested blocks included.</summary>
public sealed class BanRangeIndexTests
{
    [Fact]
    public void ExpiryOf_NestedBlocks_LatestCoveringExpiry()
    {
        var bans = new[]
        {
            Ban("10.0.0.0/8", 100),
            Ban("10.1.0.0/16", 300),
            Ban("10.1.2.3", 50),
            Ban("10.200.0.0/16", 200),
        };

        var index = BanRangeIndex.Build(bans);

        Assert.Equal(100, index.ExpiryOf(Key("10.0.0.1")));
        Assert.Equal(300, index.ExpiryOf(Key("10.1.2.3")));
        Assert.Equal(300, index.ExpiryOf(Key("10.1.255.255")));
        Assert.Equal(100, index.ExpiryOf(Key("10.2.0.0")));
        Assert.Equal(200, index.ExpiryOf(Key("10.200.1.1")));
        Assert.Equal(100, index.ExpiryOf(Key("10.255.255.255")));
        Assert.Equal(0, index.ExpiryOf(Key("11.0.0.0")));
        Assert.Equal(0, index.ExpiryOf(Key("9.255.255.255")));
    }

    [Fact]
    public void ExpiryOf_RandomBans_MatchesAScanOfEveryBan()
    {
        var random = new Random(1234);
        var bans = new List<Ban>();
        for (var i = 0; i < 400; i++)
        {
            var prefix = 96 + random.Next(8, 33); // IPv4 /8 to /32 inside 10.0.0.0/8
            var address = (UInt128)0xFFFF_0A00_0000UL | (uint)random.Next(0, 1 << 24);
            bans.Add(new Ban(BanTarget.ForRange(address, prefix), BanSource.Operator, "r", 0, random.Next(1, 1000)));
        }
        var distinct = bans.GroupBy(b => b.Target).Select(g => g.First()).ToList();

        var index = BanRangeIndex.Build(distinct);

        for (var i = 0; i < 20_000; i++)
        {
            var probe = (UInt128)0xFFFF_0A00_0000UL | (uint)random.Next(0, 1 << 24);
            var expected = distinct.Where(b => b.Target.Covers(probe)).Select(b => b.ExpiresAtMs).DefaultIfEmpty(0).Max();
            Assert.Equal(expected, index.ExpiryOf(probe));
        }
    }

    [Fact]
    public void ExpiryOf_WholeSpace_CoversTheLastAddress()
    {
        var index = BanRangeIndex.Build([Ban("::/0", 7), Ban("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 9)]);

        Assert.Equal(9, index.ExpiryOf(UInt128.MaxValue));
        Assert.Equal(7, index.ExpiryOf(UInt128.Zero));
    }

    private static Ban Ban(string target, long expires) =>
        new(BanTarget.TryParse(target, out var t, out var e) ? t : throw new FormatException(e), BanSource.Operator, "r", 0, expires);

    private static UInt128 Key(string address) => Core.Policy.IpAddressKey.From(System.Net.IPAddress.Parse(address));
}
