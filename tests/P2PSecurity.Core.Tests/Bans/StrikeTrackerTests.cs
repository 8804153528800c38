using P2PSecurity.Core.Bans;

namespace P2PSecurity.Core.Tests.Bans;

public sealed class StrikeTrackerTests
{
    private static readonly AutoBanSettings Settings = new() { Threshold = 10, Window = TimeSpan.FromMinutes(10) };

    [Fact]
    public void Record_MillionDistinctOffenders_RemembersAtMostCapacity()
    {
        var tracker = new StrikeTracker(capacity: 10_000);

        for (var i = 0; i < 1_000_000; i++)
        {
            tracker.Record((UInt128)0xFFFF_0000_0000UL | (uint)i, Offence.TlsFailed, i, Settings);
        }

        Assert.Equal(10_000, tracker.Count);
        var (changed, _) = tracker.TakeChanges();
        Assert.True(changed.Count <= 10_000);
    }

    [Fact]
    public void Record_Full_RepeatOffenderHistoryOutlivesAFloodOfOneStrikeAddresses()
    {
        var tracker = new StrikeTracker(capacity: 1_000);
        var repeat = (UInt128)0xFFFF_C000_0201UL;
        tracker.Record(repeat, Offence.TlsFailed, 0, Settings);
        tracker.BanMade(repeat, 0);
        tracker.BanMade(repeat, 1);

        for (var i = 0; i < 50_000; i++)
        {
            tracker.Record((UInt128)0xFFFF_0000_0000UL | (uint)i, Offence.TlsFailed, i, Settings);
        }

        Assert.Equal(2, tracker.Find(repeat)!.Value.Bans);
    }

    [Fact]
    public void Record_ThresholdReached_AsksOnceUntilTheBanIsSettled()
    {
        var tracker = new StrikeTracker(capacity: 100);
        var key = (UInt128)1;

        Assert.False(tracker.Record(key, Offence.ProtocolViolation, 0, Settings).Reached);
        Assert.True(tracker.Record(key, Offence.ProtocolViolation, 1, Settings).Reached);
        Assert.False(tracker.Record(key, Offence.ProtocolViolation, 2, Settings).Reached);

        Assert.Equal(0, tracker.BanMade(key, 3));
        Assert.Equal(0, tracker.Find(key)!.Value.Strikes);
        Assert.False(tracker.Record(key, Offence.ProtocolViolation, 4, Settings).Reached);
        Assert.True(tracker.Record(key, Offence.ProtocolViolation, 5, Settings).Reached);
    }
}
