using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Policy;

public sealed class RateLimitTests
{
    [Theory]
    [InlineData("10", 10, 60, "10/min")]
    [InlineData("10/s", 10, 1, "10/s")]
    [InlineData("10/sec", 10, 1, "10/s")]
    [InlineData("10/second", 10, 1, "10/s")]
    [InlineData("10/m", 10, 60, "10/min")]
    [InlineData("10/min", 10, 60, "10/min")]
    [InlineData("10/minute", 10, 60, "10/min")]
    [InlineData("10/h", 10, 3600, "10/h")]
    [InlineData("10/hour", 10, 3600, "10/h")]
    [InlineData(" 10 / MIN ", 10, 60, "10/min")]
    [InlineData("0", 0, 60, "0/min")]
    [InlineData("1000000/s", 1_000_000, 1, "1000000/s")]
    public void TryParse_GoodRate_HasCountPeriodAndCanonicalText(string text, int count, int seconds, string written)
    {
        Assert.True(RateLimit.TryParse(text, out var limit, out var error), error);

        Assert.Equal(new RateLimit(count, TimeSpan.FromSeconds(seconds)), limit);
        Assert.Equal(written, limit.ToString());
        Assert.Equal(count / (double)seconds, limit.PerSecond, 9);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("1000001")]
    [InlineData("10/day")]
    [InlineData("10/")]
    [InlineData("10/2min")]
    [InlineData("10 per minute")]
    public void TryParse_BadRate_Fails(string text)
    {
        Assert.False(RateLimit.TryParse(text, out _, out var error));
        Assert.Equal("a rate is N, N/s, N/min or N/h with N a whole number 0-1000000 (a bare N means per minute)", error);
    }
}
