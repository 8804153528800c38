using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>The metadata test on the hot path, including the "racily clean" case of two writes in one tick.</summary>
public sealed class PolicyFileWatchTests
{
    private const long Second = 1_000_000_000;
    private static readonly FileStamp Stamp = new(true, 1, 42, 100, 1_000 * Second, 1_000 * Second);

    /// <summary>The monotonic clock the watches below are read against; each test moves it by hand.</summary>
    private readonly FakeTimeProvider _time = new();

    private long Now => _time.GetTimestamp();

    private long Recheck => PolicyFileWatch.RecheckTicks(_time);

    private PolicyFileWatch Watch(FileStamp stamp, long readAtUnixNs, long readAtTimestamp, long window = PolicyFileWatch.DefaultRacyWindowNs) =>
        new(stamp, readAtUnixNs, readAtTimestamp, window, Recheck);

    [Fact]
    public void NeedsRead_SameStampReadLongAfterTheChange_IsFalse()
    {
        var watch = Watch(Stamp, Stamp.ChangedNs + (3 * Second), Now - _time.TimestampFrequency);

        Assert.False(watch.IsRacy);
        Assert.False(watch.NeedsRead(Stamp, _time));
    }

    [Theory]
    [InlineData(1, 0, 0, 0, 0)] // size
    [InlineData(0, 1, 0, 0, 0)] // inode
    [InlineData(0, 0, -1, 0, 0)] // mtime moved backwards
    [InlineData(0, 0, 1, 0, 0)] // mtime forwards by one nanosecond
    [InlineData(0, 0, 0, 1, 0)] // ctime
    [InlineData(0, 0, 0, 0, 1)] // device
    public void NeedsRead_AnyFieldChanged_IsTrue(long size, ulong inode, long mtime, long ctime, ulong device)
    {
        var watch = Watch(Stamp, Stamp.ChangedNs + (3 * Second), Now);
        var current = Stamp with
        {
            Size = Stamp.Size + size,
            Inode = Stamp.Inode + inode,
            ModifiedNs = Stamp.ModifiedNs + mtime,
            ChangedNs = Stamp.ChangedNs + ctime,
            Device = Stamp.Device + device,
        };

        Assert.True(watch.NeedsRead(current, _time));
    }

    [Fact]
    public void NeedsRead_FileDisappeared_IsTrueOnceThenFalse()
    {
        var watch = Watch(Stamp, Stamp.ChangedNs + (3 * Second), Now);
        var gone = Watch(FileStamp.Missing, Stamp.ChangedNs + (3 * Second), Now);

        Assert.True(watch.NeedsRead(FileStamp.Missing, _time));
        Assert.False(gone.NeedsRead(FileStamp.Missing, _time));
        Assert.True(gone.NeedsRead(Stamp, _time));
    }

    [Fact]
    public void NeedsRead_ContentReadInTheSameTickAsTheChange_IsReadAgain()
    {
        // Read 1 ms after the change: a second write in the same tick could leave every field as it is.
        var watch = Watch(Stamp, Stamp.ChangedNs + 1_000_000, Now);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(watch.IsRacy);
        Assert.True(watch.NeedsRead(Stamp, _time));
    }

    [Fact]
    public void NeedsRead_RacyButJustRead_WaitsForTheRecheckInterval()
    {
        // A burst of connections must not each re-read the file: at most one read per interval.
        var watch = Watch(Stamp, Stamp.ChangedNs + 1_000_000, Now);
        _time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond - 1));

        Assert.True(watch.IsRacy);
        Assert.False(watch.NeedsRead(Stamp, _time));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(watch.NeedsRead(Stamp, _time));
    }

    [Fact]
    public void IsRacy_ModificationTimeInTheFuture_DoesNotKeepItRacyForever()
    {
        // touch -d tomorrow: the change time is still the kernel's own clock, and it is what a later write moves.
        var future = Stamp with { ModifiedNs = Stamp.ChangedNs + (86_400 * Second) };
        var watch = Watch(future, Stamp.ChangedNs + (3 * Second), Now - _time.TimestampFrequency);

        Assert.False(watch.IsRacy);
        Assert.False(watch.NeedsRead(future, _time));
    }

    [Fact]
    public void IsRacy_ZeroWindow_IsNeverRacy()
    {
        var watch = Watch(Stamp, Stamp.ChangedNs, Now - _time.TimestampFrequency, window: 0);

        Assert.False(watch.IsRacy);
        Assert.False(watch.NeedsRead(Stamp, _time));
    }
}
