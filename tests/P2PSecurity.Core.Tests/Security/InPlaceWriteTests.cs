using System.Net;
using System.Text;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>
/// A file rewritten in place is read only once it has been still for the settle window, so a reload never applies
/// the valid prefix of a write in progress (a block list or an allow list cut short).
/// </summary>
public sealed class InPlaceWriteTests
{
    /// <summary>The production window; the fake clock (at the file's change time) makes it exact on any machine.</summary>
    private static readonly TimeSpan Settle = InPlaceWriteGuard.DefaultSettle;

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private static readonly string Blocked = string.Join(",", Enumerable.Range(1, 400).Select(i => $"10.{i / 250}.{i % 250}.1"));

    [Fact]
    public void CheckConfigReload_WriteInProgressInTwoPieces_NeverAppliesThePrefixThenAppliesTheWhole()
    {
        // Over 4 KiB: the first piece ends inside the block list, and is itself a valid policy with a shorter list.
        var full = $"# block list\nBLOCKED_IP_ADDRESSES={Blocked}\nMAX_CONNECTIONS_PER_IP=5\n";
        var cut = full.IndexOf("10.1.", StringComparison.Ordinal);
        using var h = new ManagerHarness($"BLOCKED_IP_ADDRESSES={Blocked}\n", settle: true, fileClock: true);
        Assert.NotNull(Core.Policy.PolicyLoader.Load(full[..cut].TrimEnd(','), h.PolicyPath).Policy);

        using (var writer = new FileStream(h.PolicyPath, FileMode.Truncate, FileAccess.Write))
        {
            writer.Write(Encoding.UTF8.GetBytes(full[..cut]));
            writer.Flush(flushToDisk: false);
            h.ClockAtFileChange();
            // A connection (and the poll) arrives between the writer's two write calls.
            Assert.False(h.Manager.CheckConfigReload());
            Assert.False(h.Manager.CheckConfigReload("poll"));
            writer.Write(Encoding.UTF8.GetBytes(full[cut..]));
        }
        h.ClockAtFileChange();

        Assert.Equal(DenyReason.IpBlocked, h.Manager.OnNewConnection(IPAddress.Parse("10.1.10.1")).Decision.Reason);
        h.Time.Advance(Settle - Tick);
        Assert.False(h.Manager.CheckConfigReload("poll"));
        h.Time.Advance(Tick);
        Assert.True(h.Manager.CheckConfigReload("poll"));
        Assert.Equal(2, h.Manager.Policy.Revision);
        Assert.Equal(5, h.Manager.Policy.MaxConnectionsPerIp);
        Assert.Equal(400, h.Manager.Policy.BlockedIpEntries.Count);
        // One change, the one the operator made: no unblock-then-block churn in the log.
        Assert.Equal(["policy_change revision=2 MAX_CONNECTIONS_PER_IP: 3 -> 5"], h.Logger.WithEvent(1002));
    }

    [Fact]
    public void CheckConfigReload_InPlaceWrite_HeldForTheSettleWindowThenApplied()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n", settle: true, fileClock: true);

        h.Write("MAX_CONNECTIONS_PER_IP=4\n");
        h.ClockAtFileChange();

        Assert.False(h.Manager.CheckConfigReload());
        Assert.Equal(3, h.Manager.Policy.MaxConnectionsPerIp);
        h.Time.Advance(Settle - Tick);
        Assert.False(h.Manager.CheckConfigReload());
        h.Time.Advance(Tick);
        Assert.True(h.Manager.CheckConfigReload());
        Assert.Equal(4, h.Manager.Policy.MaxConnectionsPerIp);
        Assert.Equal(2, h.Manager.Policy.Revision);
    }

    [Fact]
    public void CheckConfigReload_ReplacedByRename_AppliedAtOnce()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n", settle: true);
        var temp = h.Directory.Write(".env.new", "MAX_CONNECTIONS_PER_IP=8\n");

        File.Move(temp, h.PolicyPath, overwrite: true);

        Assert.True(h.Manager.CheckConfigReload());
        Assert.Equal(8, h.Manager.Policy.MaxConnectionsPerIp);
    }

    [Fact]
    public async Task Reload_ExplicitRightAfterAnInPlaceWrite_WaitsForTheWriteToSettleAndApplies()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n", settle: true, fileClock: true);
        h.Write("MAX_CONNECTIONS_PER_IP=9\n");
        h.ClockAtFileChange();
        var changedAt = h.FileChangedAt;

        // The reload waits on the injected clock; the test moves it a millisecond at a time until the reload is done.
        var reload = Task.Run(() => h.Manager.Reload("control"), TestContext.Current.CancellationToken);
        Assert.True(await Poll.UntilAsync(() =>
        {
            h.Time.Advance(Tick);
            return reload.IsCompleted;
        }));
        var result = await reload;

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Equal(9, h.Manager.Policy.MaxConnectionsPerIp);
        // Read only once the write had been still for the whole window, by the clock the server runs on.
        Assert.InRange(result.At - changedAt, Settle, InPlaceWriteGuard.DefaultSettle + TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData(0, 100, true)] // just written: wait the whole window
    [InlineData(60, 100, true)]
    [InlineData(100, 100, false)]
    [InlineData(-5_000, 100, false)] // change time in the future (clock stepped back): cannot judge, do not hold
    [InlineData(0, 0, false)] // settling off
    public void Remaining_ByAgeOfTheChange(int ageMs, int settleMs, bool held)
    {
        var now = 1_000_000_000_000L;
        var stamp = new FileStamp(true, 1, 42, 10, now - (ageMs * 1_000_000L), now - (ageMs * 1_000_000L));

        var remaining = InPlaceWriteGuard.Remaining(stamp, stamp with { Size = 9 }, now, TimeSpan.FromMilliseconds(settleMs));

        Assert.Equal(held, remaining > TimeSpan.Zero);
        if (held)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(settleMs - ageMs), remaining);
        }
    }

    [Fact]
    public void Remaining_NewInode_NotHeld()
    {
        var now = 1_000_000_000_000L;
        var stamp = new FileStamp(true, 1, 42, 10, now, now);

        Assert.Equal(TimeSpan.Zero, InPlaceWriteGuard.Remaining(stamp, stamp with { Inode = 41 }, now, TimeSpan.FromMilliseconds(100)));
        // A file that appears where there was none may still be being written: held.
        Assert.True(InPlaceWriteGuard.Remaining(stamp, FileStamp.Missing, now, TimeSpan.FromMilliseconds(100)) > TimeSpan.Zero);
    }
}
