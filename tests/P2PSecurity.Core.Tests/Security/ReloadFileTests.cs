using System.Net;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>Reload on real files: every way an editor, a tool or a person changes a file must be seen, once.</summary>
public sealed class ReloadFileTests
{
    [Fact]
    public void Create_MissingFile_RunsOnEmbeddedDefaults()
    {
        using var h = new ManagerHarness(null);

        Assert.Equal(1, h.Manager.Policy.Revision);
        Assert.Equal(3, h.Manager.Policy.MaxConnectionsPerIp);
        Assert.Equal(ReloadOutcome.Applied, h.Manager.LastReload.Outcome);
        Assert.Contains(h.Logger.Messages, m => m.StartsWith("policy_defaults path=", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_InvalidFile_ThrowsWithEveryError()
    {
        using var dir = new TempFolder();
        var path = dir.Write(".env", "MAX_CONNECTIONS_PER_IP=0\nBLOCKED_IP_ADDRESSES=1.2.3.4/40\n");

        var ex = Assert.Throws<PolicyLoadException>(() => SecurityManager.Create(path));

        Assert.Equal(2, ex.Diagnostics.Count);
        Assert.Contains("MAX_CONNECTIONS_PER_IP line 1: '0' is not a whole number from 1 to 100000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BLOCKED_IP_ADDRESSES line 2: '1.2.3.4/40' is not a valid CIDR (IPv4 prefix is 0-32)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfigReload_SameSizeEditWithForcedSameMtime_IsSeen()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n", fileClock: true);
        var mtime = File.GetLastWriteTimeUtc(h.PolicyPath);

        h.Write("MAX_CONNECTIONS_PER_IP=4\n");
        File.SetLastWriteTimeUtc(h.PolicyPath, mtime);
        // Within one tick of the first write every field may be as it was; the racy re-read (due a millisecond
        // after the last read, by the injected clock) sees the edit anyway.
        h.ClockAtFileChange();
        h.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(h.Manager.CheckConfigReload());
        Assert.Equal(4, h.Manager.Policy.MaxConnectionsPerIp);
        Assert.Equal(2, h.Manager.Policy.Revision);
    }

    [Fact]
    public void CheckConfigReload_TwoSameSizeWritesAfterARead_SecondIsSeen()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n", fileClock: true);
        var mtime = File.GetLastWriteTimeUtc(h.PolicyPath);
        h.Write("MAX_CONNECTIONS_PER_IP=4\n");
        File.SetLastWriteTimeUtc(h.PolicyPath, mtime);
        h.ClockAtFileChange();
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(h.Manager.CheckConfigReload());

        // Right after the read: same size, same forced mtime. Only the racy re-read can tell.
        h.Write("MAX_CONNECTIONS_PER_IP=5\n");
        File.SetLastWriteTimeUtc(h.PolicyPath, mtime);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(h.Manager.CheckConfigReload());

        Assert.Equal(5, h.Manager.Policy.MaxConnectionsPerIp);
    }

    [Fact]
    public void CheckConfigReload_ContentReadLongAfterItsChange_IsNotReadAgain()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n", fileClock: true);
        h.Write("MAX_CONNECTIONS_PER_IP=4\n");
        h.ClockAtFileChange();
        h.Time.Advance(TimeSpan.FromSeconds(3)); // past every racy window
        Assert.True(h.Manager.CheckConfigReload());
        var reads = h.Manager.FileReads;

        h.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(h.Manager.CheckConfigReload());
        Assert.Equal(reads, h.Manager.FileReads);
    }

    [Fact]
    public void CheckConfigReload_MtimeMovedBackwards_IsSeen()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n");
        var mtime = File.GetLastWriteTimeUtc(h.PolicyPath);

        h.Write("MAX_CONNECTIONS_PER_IP=6\n");
        File.SetLastWriteTimeUtc(h.PolicyPath, mtime.AddDays(-30));

        Assert.True(h.Manager.CheckConfigReload());
        Assert.Equal(6, h.Manager.Policy.MaxConnectionsPerIp);
    }

    [Fact]
    public void CheckConfigReload_RenameReplaceWithSameSizeAndMtime_IsSeen()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n");
        var mtime = File.GetLastWriteTimeUtc(h.PolicyPath);
        var temp = h.Directory.Write(".env.tmp", "MAX_CONNECTIONS_PER_IP=7\n");
        File.SetLastWriteTimeUtc(temp, mtime);

        File.Move(temp, h.PolicyPath, overwrite: true);

        Assert.True(h.Manager.CheckConfigReload());
        Assert.Equal(7, h.Manager.Policy.MaxConnectionsPerIp);
    }

    [Fact]
    public void CheckConfigReload_HalfWrittenFile_KeepsOldThenAppliesCompleted()
    {
        var full = $"BLOCKED_IP_ADDRESSES=\"\n  10.0.0.0/8\n  192.0.2.0/24\n\"\nALLOWED_NODE_KEYS={TestKeys.Hex(1)}\n";
        using var h = new ManagerHarness("BLOCKED_IP_ADDRESSES=203.0.113.9\n");

        h.Write(full[..30]); // cut inside the quoted list
        Assert.False(h.Manager.CheckConfigReload());
        Assert.Equal(ReloadOutcome.Invalid, h.Manager.LastReload.Outcome);
        Assert.Equal(1, h.Manager.Policy.Revision);
        Assert.Equal(DenyReason.IpBlocked, h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.9")).Decision.Reason);

        h.Write(full);
        Assert.True(h.Manager.CheckConfigReload());
        Assert.Equal(2, h.Manager.Policy.Revision);
        Assert.True(h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.9")).Allowed);
        Assert.Equal(DenyReason.IpBlocked, h.Manager.OnNewConnection(IPAddress.Parse("192.0.2.1")).Decision.Reason);
    }

    [Fact]
    public void CheckConfigReload_FileCaughtBetweenTruncateAndWrite_KeepsThePolicy()
    {
        using var h = new ManagerHarness("BLOCKED_IP_ADDRESSES=203.0.113.9\n");

        File.WriteAllBytes(h.PolicyPath, []); // what `cat new > .env` leaves for an instant
        Assert.False(h.Manager.CheckConfigReload());
        Assert.Equal(DenyReason.IpBlocked, h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.9")).Decision.Reason);
        var explicitReload = h.Manager.Reload("control");

        Assert.Equal(ReloadOutcome.Empty, explicitReload.Outcome);
        Assert.Contains("is empty; revision 1, the last good policy, stays in force", Assert.Single(explicitReload.Diagnostics).Message, StringComparison.Ordinal);
        Assert.Equal(1, h.Manager.Policy.Revision);
        Assert.Empty(h.Logger.WithEvent(1002)); // no "unblocked" churn

        h.Write("BLOCKED_IP_ADDRESSES=203.0.113.9,203.0.113.10\n");
        Assert.True(h.Manager.CheckConfigReload());
        Assert.Equal(["policy_change revision=2 BLOCKED_IP_ADDRESSES: blocked 203.0.113.10"], h.Logger.WithEvent(1002));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData(" \r\n\t\n")]
    public void CheckConfigReload_FileEmptiedAndLeftEmpty_KeepsTheLastGoodPolicyAndWarnsOnce(string empty)
    {
        using var h = new ManagerHarness($"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\nBLOCKED_IP_ADDRESSES=203.0.113.9\n");
        h.Manager.RacyWindow = TimeSpan.Zero; // nothing racy: an empty file is judged as final at once

        File.WriteAllText(h.PolicyPath, empty); // `: > .env`, or a writer that died after its truncate
        for (var check = 0; check < 5; check++)
        {
            Assert.False(h.Manager.CheckConfigReload());
        }
        File.SetLastWriteTimeUtc(h.PolicyPath, DateTime.UtcNow.AddMinutes(-10)); // long since emptied
        Assert.False(h.Manager.CheckConfigReload());

        Assert.Equal(1, h.Manager.Policy.Revision);
        Assert.True(h.Manager.Policy.WhitelistMode);
        Assert.Equal(DenyReason.IpBlocked, h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.9")).Decision.Reason);
        Assert.Equal(ReloadOutcome.Empty, h.Manager.LastReload.Outcome);
        var warning = Assert.Single(h.Logger.Entries, e => e.EventId.Id == 1011);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Equal($"policy_file_emptied path={h.PolicyPath}: the file is empty; revision 1, the last good policy, stays in force until the file has content " +
                     "again (reload_security reload --accept-empty applies the embedded defaults)", warning.Message);
        Assert.Empty(h.Logger.WithEvent(1001));
    }

    [Fact]
    public void Reload_EmptiedFileWithAcceptEmpty_AppliesTheDefaultsAndLogsItOnPurpose()
    {
        using var h = new ManagerHarness($"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\nBLOCKED_IP_ADDRESSES=203.0.113.9\n");
        File.WriteAllBytes(h.PolicyPath, []);
        Assert.Equal(ReloadOutcome.Empty, h.Manager.Reload("control").Outcome);

        var accepted = h.Manager.Reload("control", acceptEmpty: true);

        Assert.Equal(ReloadOutcome.Applied, accepted.Outcome);
        Assert.Equal(2, h.Manager.Policy.Revision);
        Assert.True(h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.9")).Allowed);
        Assert.False(h.Manager.Policy.WhitelistMode);
        Assert.Equal([$"policy_empty_accepted revision=2 trigger=control path={h.PolicyPath}: the empty file was applied on purpose (--accept-empty); the embedded defaults are in force"],
            h.Logger.WithEvent(1031));
        Assert.Single(h.Logger.WithEvent(1030)); // and it opened the whitelist
        Assert.Equal(ReloadOutcome.Unchanged, h.Manager.Reload("control").Outcome); // the defaults now match the file
    }

    [Fact]
    public void CheckConfigReload_StartedWithoutAFileThenAnEmptyOne_RunsOnTheDefaults()
    {
        using var h = new ManagerHarness(null);
        h.Manager.RacyWindow = TimeSpan.Zero;

        File.WriteAllBytes(h.PolicyPath, []);

        Assert.True(h.Manager.CheckConfigReload()); // no last good policy to keep: the defaults, as before
        Assert.Equal(2, h.Manager.Policy.Revision);
        Assert.Empty(h.Logger.WithEvent(1011));
    }

    [Fact]
    public void Reload_InvalidCidr_KeepsPreviousPolicy()
    {
        using var h = new ManagerHarness("BLOCKED_IP_ADDRESSES=203.0.113.9\n");

        var result = h.Apply("BLOCKED_IP_ADDRESSES=10.0.0.0/33\n");

        Assert.Equal(ReloadOutcome.Invalid, result.Outcome);
        Assert.False(result.Succeeded);
        Assert.Equal(1, result.Revision);
        Assert.Equal("BLOCKED_IP_ADDRESSES line 1: '10.0.0.0/33' is not a valid CIDR (IPv4 prefix is 0-32)", Assert.Single(result.Diagnostics).ToString());
        Assert.Same(result, h.Manager.LastReload);
        Assert.Equal(DenyReason.IpBlocked, h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.9")).Decision.Reason);
        Assert.Equal(["policy_rejected trigger=test errors=1 kept_revision=1: the previous policy stays in force"], h.Logger.WithEvent(1003));
        Assert.Equal(["policy_error BLOCKED_IP_ADDRESSES line 1: '10.0.0.0/33' is not a valid CIDR (IPv4 prefix is 0-32)"], h.Logger.WithEvent(1004));
    }

    [Fact]
    public void CheckConfigReload_SameBrokenContent_IsReportedOnce()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n");
        h.Write("MAX_CONNECTIONS_PER_IP=zero\n");
        Assert.False(h.Manager.CheckConfigReload());

        File.SetLastWriteTimeUtc(h.PolicyPath, DateTime.UtcNow.AddMinutes(-5)); // touched, not changed
        Assert.False(h.Manager.CheckConfigReload());

        Assert.Single(h.Logger.WithEvent(1003));
        Assert.Equal(ReloadOutcome.Invalid, h.Manager.Reload("control").Outcome); // an explicit reload reports again
        Assert.Equal(2, h.Logger.WithEvent(1003).Count);
    }

    [Fact]
    public void Reload_InvalidThenValidAgain_Applies()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n");

        Assert.Equal(ReloadOutcome.Invalid, h.Apply("MAX_CONNECTIONS_PER_IP=-1\n").Outcome);
        var fixedResult = h.Apply("MAX_CONNECTIONS_PER_IP=8\n");

        Assert.Equal(ReloadOutcome.Applied, fixedResult.Outcome);
        Assert.Equal(2, fixedResult.Revision);
        Assert.Equal(["MAX_CONNECTIONS_PER_IP: 3 -> 8"], fixedResult.Changes);
        Assert.Equal(8, h.Manager.Policy.MaxConnectionsPerIp);
    }

    [Fact]
    public void Reload_UnchangedContent_IsUnchangedAndKeepsRevision()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n");

        var result = h.Apply("MAX_CONNECTIONS_PER_IP=3\n");

        Assert.Equal(ReloadOutcome.Unchanged, result.Outcome);
        Assert.True(result.Succeeded);
        Assert.Equal(1, h.Manager.Policy.Revision);
    }

    [Fact]
    public void CheckConfigReload_FileDeleted_KeepsPolicyWarnsOnceThenRecreated()
    {
        using var h = new ManagerHarness("BLOCKED_IP_ADDRESSES=203.0.113.9\n");

        File.Delete(h.PolicyPath);
        Assert.False(h.Manager.CheckConfigReload());
        Assert.False(h.Manager.CheckConfigReload());
        Assert.False(h.Manager.CheckConfigReload());

        Assert.Equal(ReloadOutcome.Missing, h.Manager.LastReload.Outcome);
        Assert.Single(h.Logger.WithEvent(1006));
        Assert.Equal(DenyReason.IpBlocked, h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.9")).Decision.Reason);

        h.Write("BLOCKED_IP_ADDRESSES=203.0.113.10\n");
        Assert.True(h.Manager.CheckConfigReload());
        Assert.True(h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.9")).Allowed);

        File.Delete(h.PolicyPath);
        Assert.False(h.Manager.CheckConfigReload());
        Assert.Equal(2, h.Logger.WithEvent(1006).Count); // a new disappearance is a new warning
    }

    [Fact]
    public void CheckConfigReload_ThousandParallelCallsAfterOneEdit_ReadTheFileOnce()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n");
        // The file's change time is "now" (the edit below makes it so): turn the racy re-read off, or it would
        // legitimately re-read during the burst. The racy path has its own tests.
        h.Manager.RacyWindow = TimeSpan.Zero;
        h.Write("MAX_CONNECTIONS_PER_IP=9\n");
        File.SetLastWriteTimeUtc(h.PolicyPath, DateTime.UtcNow.AddSeconds(-10));
        var readsBefore = h.Manager.FileReads;
        using var start = new ManualResetEventSlim();

        var applied = 0;
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            start.Wait();
            for (var i = 0; i < 125; i++)
            {
                if (h.Manager.CheckConfigReload())
                {
                    Interlocked.Increment(ref applied);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        start.Set();
        threads.ForEach(t => t.Join());

        Assert.Equal(1, h.Manager.FileReads - readsBefore);
        Assert.Equal(1, applied);
        Assert.Equal(9, h.Manager.Policy.MaxConnectionsPerIp);
    }
}
