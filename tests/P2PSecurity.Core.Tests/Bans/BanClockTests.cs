using System.Net;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Bans;

/// <summary>
/// The accept decision on a ban without a clock read (<see cref="BanList.Holds"/>): a ban is still gone at its
/// expiry to the millisecond, however its expiry falls between two ticks of the housekeeping timer, and a decision
/// on a ban that expires later than two seconds from now never reads the clock.
/// </summary>
public sealed class BanClockTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 999)]
    [InlineData(0, 1_000)]
    [InlineData(0, 2_000)]
    [InlineData(0, 2_001)]
    [InlineData(1, 1_999)]
    [InlineData(500, 1_500)]
    [InlineData(500, 2_600)]
    [InlineData(999, 1)]
    [InlineData(999, 5_000)]
    [InlineData(250, 3_600_000)]
    public async Task Accept_BanMadeBetweenTimerTicks_RefusedUntilItsExpiryAndGoneAtIt(int offsetMs, int durationMs)
    {
        using var h = new BanHarness();
        h.Time.Advance(TimeSpan.FromMilliseconds(offsetMs));
        await h.BanAsync("203.0.113.7", TimeSpan.FromMilliseconds(durationMs));

        Assert.Equal(DenyReason.IpBanned, h.Accept("203.0.113.7"));
        h.Time.Advance(TimeSpan.FromMilliseconds(durationMs - 1));
        Assert.Equal(DenyReason.IpBanned, h.Accept("203.0.113.7"));
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(DenyReason.None, h.Accept("203.0.113.7"));
    }

    [Fact]
    public async Task Accept_ExpiredBanBeforeHousekeepingDropsIt_NotRefused()
    {
        using var h = new BanHarness();
        await h.BanAsync("203.0.113.7", TimeSpan.FromMinutes(1));
        await h.BanAsync("203.0.113.8", TimeSpan.FromHours(1));

        // Past the first expiry by more than the timer's margin; the writer has not dropped the ban (no flush).
        h.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(10));

        Assert.Equal(DenyReason.None, h.Accept("203.0.113.7"));
        Assert.Equal(DenyReason.IpBanned, h.Accept("203.0.113.8"));
    }

    [Theory]
    [InlineData("198.51.100.0", DenyReason.IpBanned)]
    [InlineData("198.51.100.255", DenyReason.IpBanned)]
    [InlineData("::ffff:198.51.100.255", DenyReason.IpBanned)]
    [InlineData("198.51.99.255", DenyReason.None)]
    [InlineData("198.51.101.0", DenyReason.None)]
    [InlineData("198.51.101.1", DenyReason.IpBanned)]
    [InlineData("198.51.101.2", DenyReason.None)]
    public async Task Accept_EdgesOfBannedRanges_ExactlyTheBannedAddresses(string address, DenyReason expected)
    {
        using var h = new BanHarness();
        await h.BanAsync("198.51.100.0/24", TimeSpan.FromHours(1));
        await h.BanAsync("198.51.101.1", TimeSpan.FromMinutes(5));

        Assert.Equal(expected, h.Accept(address));
        // Still exact once the ban on the single address has expired and the /24's is far off.
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(address == "198.51.101.1" ? DenyReason.None : expected, h.Accept(address));
    }

    [Fact]
    public async Task Accept_BannedAddress_ReadsNoClock()
    {
        var fake = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var counting = new CountingTimeProvider(fake);
        using var manager = new ManagerHarness("");
        using var bans = BanList.Open(new MemoryBanStore(), () => manager.Manager.Policy.AutoBan, null, counting);
        manager.Manager.AttachBans(bans);
        await bans.BanAsync(BanHarness.Target("203.0.113.7"), TimeSpan.FromHours(1), "test");
        await bans.BanAsync(BanHarness.Target("198.51.100.0/24"), TimeSpan.FromHours(1), "test");
        await bans.BanAsync(BanHarness.Target("203.0.113.9"), TimeSpan.FromSeconds(1), "test");
        var readsBefore = counting.Reads;

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(DenyReason.IpBanned, Accept(manager.Manager, "203.0.113.7"));
            Assert.Equal(DenyReason.IpBanned, Accept(manager.Manager, "198.51.100.77"));
            Assert.Equal(DenyReason.None, Accept(manager.Manager, $"10.0.{i}.1"));
        }
        Assert.Equal(readsBefore, counting.Reads);

        // A ban within seconds of its expiry is compared with the clock itself.
        Assert.Equal(DenyReason.IpBanned, Accept(manager.Manager, "203.0.113.9"));
        Assert.True(counting.Reads > readsBefore);
    }

    [Fact]
    public async Task Accept_BanPublishedWhileDecisionsRun_EveryDecisionAfterTheAnswerRefuses()
    {
        using var h = new BanHarness();
        var address = IPAddress.Parse("203.0.113.7");
        var acknowledged = 0;
        var wrong = 0;
        var decided = 0;
        using var stop = new CancellationTokenSource();
        var decisions = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var after = Volatile.Read(ref acknowledged) == 1;
                var result = h.Manager.EvaluateAccept(address);
                result.Slot?.Release();
                if (after && result.Decision.Reason != DenyReason.IpBanned)
                {
                    Interlocked.Increment(ref wrong);
                }
                Interlocked.Increment(ref decided);
            }
        }, TestContext.Current.CancellationToken);

        Assert.True(await Poll.UntilAsync(() => Volatile.Read(ref decided) > 100, TimeSpan.FromSeconds(10)));
        await h.BanAsync("203.0.113.7", TimeSpan.FromHours(1));
        Volatile.Write(ref acknowledged, 1);
        var atAnswer = Volatile.Read(ref decided);
        Assert.True(await Poll.UntilAsync(() => Volatile.Read(ref decided) > atAnswer + 1_000, TimeSpan.FromSeconds(10)));
        await stop.CancelAsync();
        await decisions;

        Assert.Equal(0, wrong);
    }

    private static DenyReason Accept(SecurityManager manager, string address)
    {
        var result = manager.EvaluateAccept(IPAddress.Parse(address));
        result.Slot?.Release();
        return result.Decision.Reason;
    }

    /// <summary>A fake clock that counts the wall-clock reads made through it; its timers are the fake's.</summary>
    private sealed class CountingTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Increment(ref _reads);
            return inner.GetUtcNow();
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);
    }
}
