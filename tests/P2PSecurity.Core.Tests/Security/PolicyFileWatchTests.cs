using System.Diagnostics;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>The metadata test on the hot path, including the "racily clean" case of two writes in one tick.</summary>
public sealed class PolicyFileWatchTests
{
    private const long Second = 1_000_000_000;
    private static readonly FileStamp Stamp = new(true, 1, 42, 100, 1_000 * Second, 1_000 * Second);

    [Fact]
    public void NeedsRead_SameStampReadLongAfterTheChange_IsFalse()
    {
        var watch = new PolicyFileWatch(Stamp, Stamp.ChangedNs + (3 * Second), Stopwatch.GetTimestamp() - Stopwatch.Frequency, PolicyFileWatch.DefaultRacyWindowNs);

        Assert.False(watch.IsRacy);
        Assert.False(watch.NeedsRead(Stamp));
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
        var watch = new PolicyFileWatch(Stamp, Stamp.ChangedNs + (3 * Second), Stopwatch.GetTimestamp(), PolicyFileWatch.DefaultRacyWindowNs);
        var current = Stamp with
        {
            Size = Stamp.Size + size,
            Inode = Stamp.Inode + inode,
            ModifiedNs = Stamp.ModifiedNs + mtime,
            ChangedNs = Stamp.ChangedNs + ctime,
            Device = Stamp.Device + device,
        };

        Assert.True(watch.NeedsRead(current));
    }

    [Fact]
    public void NeedsRead_FileDisappeared_IsTrueOnceThenFalse()
    {
        var watch = new PolicyFileWatch(Stamp, Stamp.ChangedNs + (3 * Second), Stopwatch.GetTimestamp(), PolicyFileWatch.DefaultRacyWindowNs);
        var gone = new PolicyFileWatch(FileStamp.Missing, Stamp.ChangedNs + (3 * Second), Stopwatch.GetTimestamp(), PolicyFileWatch.DefaultRacyWindowNs);

        Assert.True(watch.NeedsRead(FileStamp.Missing));
        Assert.False(gone.NeedsRead(FileStamp.Missing));
        Assert.True(gone.NeedsRead(Stamp));
    }

    [Fact]
    public void NeedsRead_ContentReadInTheSameTickAsTheChange_IsReadAgain()
    {
        // Read 1 ms after the change: a second write in the same tick could leave every field as it is.
        var readAt = Stopwatch.GetTimestamp() - (Stopwatch.Frequency / 100);
        var watch = new PolicyFileWatch(Stamp, Stamp.ChangedNs + 1_000_000, readAt, PolicyFileWatch.DefaultRacyWindowNs);

        Assert.True(watch.IsRacy);
        Assert.True(watch.NeedsRead(Stamp));
    }

    [Fact]
    public void NeedsRead_RacyButJustRead_WaitsForTheRecheckInterval()
    {
        // A burst of connections must not each re-read the file: at most one read per interval.
        var watch = new PolicyFileWatch(Stamp, Stamp.ChangedNs + 1_000_000, Stopwatch.GetTimestamp() + Stopwatch.Frequency, PolicyFileWatch.DefaultRacyWindowNs);

        Assert.True(watch.IsRacy);
        Assert.False(watch.NeedsRead(Stamp));
    }

    [Fact]
    public void IsRacy_ModificationTimeInTheFuture_DoesNotKeepItRacyForever()
    {
        // touch -d tomorrow: the change time is still the kernel's own clock, and it is what a later write moves.
        var future = Stamp with { ModifiedNs = Stamp.ChangedNs + (86_400 * Second) };
        var watch = new PolicyFileWatch(future, Stamp.ChangedNs + (3 * Second), Stopwatch.GetTimestamp() - Stopwatch.Frequency, PolicyFileWatch.DefaultRacyWindowNs);

        Assert.False(watch.IsRacy);
        Assert.False(watch.NeedsRead(future));
    }

    [Fact]
    public void IsRacy_ZeroWindow_IsNeverRacy()
    {
        var watch = new PolicyFileWatch(Stamp, Stamp.ChangedNs, Stopwatch.GetTimestamp() - Stopwatch.Frequency, 0);

        Assert.False(watch.IsRacy);
        Assert.False(watch.NeedsRead(Stamp));
    }
}
