using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Fleet;

public sealed class FleetDecisionTests
{
    [Theory]
    [InlineData("block 10.0.0.0/8")]
    [InlineData("unblock 203.0.113.7")]
    [InlineData("ban 2001:db8::/64 1767225600000")]
    [InlineData("ban 203.0.113.7")]
    [InlineData("unban 203.0.113.7")]
    public void TryParse_CanonicalText_RoundTrips(string text)
    {
        Assert.True(FleetDecision.TryParse(text, out var decision, out var error), error);
        Assert.Equal(text, decision.ToString());
    }

    [Fact]
    public void TryParse_AllowOfKey_RoundTrips()
    {
        var text = "allow " + TestKeys.Hex(3);

        Assert.True(FleetDecision.TryParse(text, out var decision, out _));
        Assert.Equal(FleetAction.Allow, decision.Action);
        Assert.Equal(text, decision.ToString());
    }

    [Theory]
    [InlineData("allow 10.0.0.1", "takes a node key")]
    [InlineData("block ::ffff:10.0.0.1", "not in canonical form")]
    [InlineData("block 10.0.0.1 1767225600000", "only a ban takes an expiry")]
    [InlineData("open 10.0.0.1", "is not a fleet decision")]
    [InlineData("block 10.1.2.3/8", "host bits")]
    [InlineData("", "ACTION TARGET")]
    public void TryParse_BadText_SaysWhy(string text, string expected)
    {
        Assert.False(FleetDecision.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamId_OrdersAsRedis_NextAfterTop()
    {
        Assert.True(StreamId.Parse("5-10") > StreamId.Parse("5-9"));
        Assert.True(StreamId.Parse("6-0") > StreamId.Parse("5-99"));
        Assert.Equal(new StreamId(7, 0), StreamId.Next(new StreamId(5, 3), 7));
        Assert.Equal(new StreamId(9, 4), StreamId.Next(new StreamId(9, 3), 7));
        Assert.False(StreamId.TryParse("5", out _));
        Assert.False(StreamId.TryParse("-5-1", out _));
    }
}
