using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Lockdown;

/// <summary>The kill switch as a policy source: the snapshot, its expiry on the injected clock, and its state file.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LockdownSwitchTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Engage_For_LiftsItselfWhenTheClockPassesTheEnd()
    {
        using var dir = new TempFolder();
        var time = new FakeTimeProvider(Start);
        using var lockdown = LockdownSwitch.Open(dir.File(".env.lockdown"), time);
        var changes = new List<LockdownChange>();
        lockdown.Changed += (_, c) => changes.Add(c);

        lockdown.Engage(new LockdownOptions { For = TimeSpan.FromMinutes(30), Reason = "drill" });
        time.Advance(TimeSpan.FromMinutes(29));

        Assert.True(lockdown.Current.Active);
        Assert.Equal(Start + TimeSpan.FromMinutes(30), lockdown.Current.Until);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(lockdown.Current.Active);
        Assert.Equal(2, changes.Count);
        Assert.False(changes[1].After.Active);
        Assert.False(LockdownStore.Read(lockdown.StatePath, out _)!.Active);
    }

    [Fact]
    public void Engage_Again_ReplacesOptionsKeepsSinceAndTheOldTimerNoLongerLifts()
    {
        using var dir = new TempFolder();
        var time = new FakeTimeProvider(Start);
        using var lockdown = LockdownSwitch.Open(dir.File(".env.lockdown"), time);

        lockdown.Engage(new LockdownOptions { For = TimeSpan.FromMinutes(5) });
        time.Advance(TimeSpan.FromMinutes(1));
        lockdown.Engage(new LockdownOptions { AllowTrusted = true, Reason = "until further notice" });
        time.Advance(TimeSpan.FromMinutes(10));

        var state = lockdown.Current;
        Assert.True(state.Active);
        Assert.True(state.AllowTrusted);
        Assert.Null(state.Until);
        Assert.Equal(Start, state.Since);
    }

    [Fact]
    public void Open_StateFileOfAnEngagedLockdown_StartsLockedDown()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env.lockdown");
        var time = new FakeTimeProvider(Start);
        using (var first = LockdownSwitch.Open(path, time))
        {
            Assert.Null(first.Engage(new LockdownOptions { KeepSessions = true, Reason = "key leaked", For = TimeSpan.FromHours(2) }).PersistError);
        }
        time.Advance(TimeSpan.FromHours(1));

        using var second = LockdownSwitch.Open(path, time);

        var state = second.Current;
        Assert.True(state.Active);
        Assert.True(state.KeepSessions);
        Assert.Equal("key leaked", state.Reason);
        Assert.Equal(Start, state.Since);
        time.Advance(TimeSpan.FromHours(1));
        Assert.False(second.Current.Active);
    }

    [Fact]
    public void Open_LockdownThatRanOutWhileDown_IsLiftedOnDiskToo()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env.lockdown");
        var time = new FakeTimeProvider(Start);
        using (var first = LockdownSwitch.Open(path, time))
        {
            first.Engage(new LockdownOptions { For = TimeSpan.FromMinutes(1) });
        }
        time.Advance(TimeSpan.FromMinutes(2));

        using var second = LockdownSwitch.Open(path, time);

        Assert.False(second.Current.Active);
        Assert.False(LockdownStore.Read(path, out _)!.Active);
    }

    [Fact]
    public void Open_UnreadableStateFile_FailsClosedAndSaysWhy()
    {
        using var dir = new TempFolder();
        var path = dir.Write(".env.lockdown", "{ not json");
        var logger = new CapturingLogger();

        using var lockdown = LockdownSwitch.Open(path, new FakeTimeProvider(Start), logger);

        Assert.True(lockdown.Current.Active);
        Assert.Contains("cannot be read", lockdown.Current.Reason, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.EventId.Id == 1053);
        Assert.Null(LockdownStore.Read(path, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Engage_StateFile_IsOwnerOnlyAndLiftWritesItInactive()
    {
        using var dir = new TempFolder();
        using var lockdown = LockdownSwitch.Open(dir.File(".env.lockdown"), new FakeTimeProvider(Start));

        lockdown.Engage(new LockdownOptions());

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(lockdown.StatePath));
        Assert.Contains("\"active\": true", File.ReadAllText(lockdown.StatePath), StringComparison.Ordinal);
        var lifted = lockdown.Lift();
        Assert.True(lifted.Before.Active);
        Assert.False(lifted.After.Active);
        Assert.Contains("\"active\": false", File.ReadAllText(lockdown.StatePath), StringComparison.Ordinal);
    }

    [Fact]
    public void Engage_StateFileCannotBeWritten_IsInForceAndReportsIt()
    {
        using var dir = new TempFolder();
        var missingFolder = Path.Combine(dir.Path, "gone", ".env.lockdown");
        using var lockdown = LockdownSwitch.Open(missingFolder, new FakeTimeProvider(Start));

        var change = lockdown.Engage(new LockdownOptions());

        Assert.True(lockdown.Current.Active);
        Assert.Contains("cannot write", change.PersistError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("30min", 1800)]
    [InlineData("2h", 7200)]
    [InlineData("1.5h", 5400)]
    [InlineData("1d", 86400)]
    public void LockdownDuration_GoodValue_Parses(string text, double seconds)
    {
        Assert.True(LockdownDuration.TryParse(text, out var d));
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("0")]
    [InlineData("-5s")]
    [InlineData("soon")]
    [InlineData("2w")]
    public void LockdownDuration_BadValue_IsRefused(string text) => Assert.False(LockdownDuration.TryParse(text, out _));
}
