using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Bans;

public sealed class BanTargetTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7", "address")]
    [InlineData(" ::ffff:203.0.113.7 ", "203.0.113.7", "address")]
    [InlineData("203.0.113.7/32", "203.0.113.7", "address")]
    [InlineData("10.0.0.0/8", "10.0.0.0/8", "range")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", "range")]
    [InlineData("2001:DB8:1:2::/64", "2001:db8:1:2::/64", "range")]
    [InlineData("::/0", "::/0", "range")]
    [InlineData("2001:db8::7", "2001:db8::7", "address")]
    public void TryParse_AddressOrRange_Canonical(string text, string canonical, string kind)
    {
        Assert.True(BanTarget.TryParse(text, out var target, out var error), error);
        Assert.Equal(canonical, target.ToString());
        Assert.Equal(kind, target.Kind);
        Assert.True(BanTarget.TryParse(target.ToString(), out var again, out _));
        Assert.Equal(target, again);
    }

    [Fact]
    public void TryParse_NodeKey_AnyAcceptedForm()
    {
        var hex = TestKeys.Hex(5);

        Assert.True(BanTarget.TryParse("sha256:" + hex.ToUpperInvariant(), out var target, out _));

        Assert.True(target.IsNode);
        Assert.Equal(hex, target.ToString());
        Assert.Equal(TestKeys.Key(5), target.NodeKey);
    }

    [Theory]
    [InlineData("", "got nothing")]
    [InlineData("10.1.2.3/8", "has host bits set")]
    [InlineData("10.0.0.0/33", "is not a valid CIDR")]
    [InlineData("example.org", "is not an IP address, a CIDR range or a node key")]
    [InlineData("010.0.0.1", "leading zero")]
    public void TryParse_Bad_SaysWhy(string text, string expected)
    {
        Assert.False(BanTarget.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Equality_SameAddressInTwoForms_OneTarget()
    {
        Assert.True(BanTarget.TryParse("192.0.2.1", out var a, out _));
        Assert.True(BanTarget.TryParse("::ffff:192.0.2.1/128", out var b, out _));

        Assert.Equal(a, b);
    }
}
