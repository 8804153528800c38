using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Security;

public sealed class TokenBucketTests
{
    private const long Frequency = 1_000_000; // microseconds
    private static readonly RateLimit TenPerMinute = new(10, TimeSpan.FromMinutes(1));

    [Fact]
    public void TryTake_FreshBucket_AllowsTheFullCountThenRefuses()
    {
        var bucket = default(TokenBucket);

        for (var i = 0; i < 10; i++)
        {
            Assert.True(bucket.TryTake(TenPerMinute, 0, Frequency), $"take {i}");
        }
        Assert.False(bucket.TryTake(TenPerMinute, 0, Frequency));
    }

    [Fact]
    public void TryTake_Refill_IsOneTokenPerPeriodOverCount()
    {
        var bucket = Drained(TenPerMinute, 0);

        Assert.False(bucket.TryTake(TenPerMinute, Seconds(5.999), Frequency));
        Assert.True(bucket.TryTake(TenPerMinute, Seconds(6), Frequency));
        Assert.False(bucket.TryTake(TenPerMinute, Seconds(6), Frequency));
        Assert.False(bucket.TryTake(TenPerMinute, Seconds(11.99), Frequency));
        Assert.True(bucket.TryTake(TenPerMinute, Seconds(12), Frequency));
    }

    [Fact]
    public void TryTake_LongIdle_RefillsOnlyToCapacity()
    {
        var bucket = Drained(TenPerMinute, 0);

        var taken = 0;
        while (bucket.TryTake(TenPerMinute, Seconds(86_400 * 365), Frequency))
        {
            taken++;
        }

        Assert.Equal(10, taken);
    }

    [Fact]
    public void TryTake_ZeroRate_AlwaysRefuses()
    {
        var zero = new RateLimit(0, TimeSpan.FromMinutes(1));
        var bucket = default(TokenBucket);

        Assert.False(bucket.TryTake(zero, 0, Frequency));
        Assert.False(bucket.TryTake(zero, Seconds(3600), Frequency));
    }

    [Fact]
    public void TryTake_LoweredLimit_CountsWhatWasAlreadySpent()
    {
        var bucket = default(TokenBucket);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(bucket.TryTake(TenPerMinute, 0, Frequency));
        }

        // 5 spent in this minute; at 3/min nothing more is allowed until the spending has drained.
        var threePerMinute = new RateLimit(3, TimeSpan.FromMinutes(1));
        Assert.False(bucket.TryTake(threePerMinute, 0, Frequency));
        Assert.False(bucket.TryTake(threePerMinute, Seconds(19.9), Frequency));
        Assert.True(bucket.TryTake(threePerMinute, Seconds(20), Frequency));
    }

    [Fact]
    public void TryTake_LoweredBelowWhatIsLeft_CapsAtTheNewLimit()
    {
        var bucket = default(TokenBucket);
        Assert.True(bucket.TryTake(TenPerMinute, 0, Frequency)); // 9 left, 1 spent

        var threePerMinute = new RateLimit(3, TimeSpan.FromMinutes(1));
        var taken = 0;
        while (bucket.TryTake(threePerMinute, 0, Frequency))
        {
            taken++;
        }

        Assert.Equal(2, taken);
    }

    [Fact]
    public void TryTake_RaisedLimit_GivesNoBurst()
    {
        var bucket = Drained(TenPerMinute, 0);

        var hundred = new RateLimit(100, TimeSpan.FromMinutes(1));
        Assert.False(bucket.TryTake(hundred, 0, Frequency));
        Assert.True(bucket.TryTake(hundred, Seconds(0.6), Frequency)); // the new, faster refill applies at once
    }

    [Fact]
    public void TryTake_LimitRaisedAndLoweredAgain_KeepsWhatWasNotSpent()
    {
        var sixty = new RateLimit(60, TimeSpan.FromMinutes(1));
        var hundredTwenty = new RateLimit(120, TimeSpan.FromMinutes(1));
        var bucket = default(TokenBucket);
        Assert.True(bucket.TryTake(sixty, 0, Frequency)); // one message: 59 left

        // Reloads flip the limit up and down (as a held-load run does every second); nothing else is sent.
        for (var i = 0; i < 10; i++)
        {
            Assert.True(bucket.TryTake(i % 2 == 0 ? hundredTwenty : sixty, 0, Frequency));
        }

        // 11 spent of 60: 49 more fit at the same instant, the 50th does not.
        for (var i = 0; i < 49; i++)
        {
            Assert.True(bucket.TryTake(sixty, 0, Frequency), $"message {i + 12} refused");
        }
        Assert.False(bucket.TryTake(sixty, 0, Frequency));
    }

    [Fact]
    public void TryTake_ChangedPeriod_ChangesTheRefillRate()
    {
        var bucket = Drained(TenPerMinute, 0);

        var tenPerSecond = new RateLimit(10, TimeSpan.FromSeconds(1));
        Assert.True(bucket.TryTake(tenPerSecond, Seconds(0.1), Frequency));
    }

    [Fact]
    public void TryTake_ClockStandingStillOrBackwards_GivesNothing()
    {
        var bucket = Drained(TenPerMinute, Seconds(100));

        Assert.False(bucket.TryTake(TenPerMinute, Seconds(50), Frequency));
        Assert.False(bucket.TryTake(TenPerMinute, Seconds(100), Frequency));
        Assert.True(bucket.TryTake(TenPerMinute, Seconds(106), Frequency));
    }

    [Fact]
    public void IsFull_AfterRefill_True()
    {
        var bucket = Drained(TenPerMinute, 0);

        Assert.False(bucket.IsFull(TenPerMinute, Seconds(59), Frequency));
        Assert.True(bucket.IsFull(TenPerMinute, Seconds(60), Frequency));
    }

    private static TokenBucket Drained(RateLimit limit, long now)
    {
        var bucket = default(TokenBucket);
        var taken = 0;
        while (bucket.TryTake(limit, now, Frequency))
        {
            taken++;
        }
        Assert.Equal(limit.Count, taken);
        return bucket;
    }

    private static long Seconds(double s) => (long)Math.Round(s * Frequency);
}
