using P2PSecurity.Core.Bans;

namespace P2PSecurity.Core.Tests.Bans;

public sealed class BanDurationTests
{
    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("15min", 900)]
    [InlineData("1h", 3600)]
    [InlineData("2d", 172_800)]
    [InlineData("1w", 604_800)]
    [InlineData("1.5h", 5400)]
    public void TryParse_Length_Seconds(string text, int seconds)
    {
        Assert.True(BanDuration.TryParse(text, out var d, out var error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Fact]
    public void TryParse_Forever_Null()
    {
        Assert.True(BanDuration.TryParse("Forever", out var d, out _));
        Assert.Null(d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("1y")]
    [InlineData("h")]
    [InlineData("-5m")]
    public void TryParse_Bad_SaysWhatIsValid(string text)
    {
        Assert.False(BanDuration.TryParse(text, out _, out var error));
        Assert.Contains("ban length", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3600, "1h")]
    [InlineData(90, "90s")]
    [InlineData(172_800, "2d")]
    [InlineData(600, "10m")]
    public void Format_LargestWholeUnit(int seconds, string text) => Assert.Equal(text, BanDuration.Format(TimeSpan.FromSeconds(seconds)));
}
