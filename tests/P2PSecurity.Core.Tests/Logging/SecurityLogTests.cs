using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Secrets;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Logging;

public sealed class SecurityLogTests
{
    private const string Secret = "S3cr3t-Network-Key-0123456789";

    [Fact]
    public void Reload_LogsExactlyWhatChanged()
    {
        using var h = new ManagerHarness(
            $"ALLOWED_NODE_KEYS={TestKeys.Hex(1)},{TestKeys.Hex(2)}\nBLOCKED_IP_ADDRESSES=1.2.3.4,10.0.0.0/8\nMAX_CONNECTIONS_PER_IP=3\nCONNECTION_RATE_LIMIT=10\n");
        h.Logger.Clear();

        h.Apply($"ALLOWED_NODE_KEYS={TestKeys.Hex(2)},{TestKeys.Hex(3)}\nBLOCKED_IP_ADDRESSES=10.0.0.0/8,5.6.7.8\nMAX_CONNECTIONS_PER_IP=5\nCONNECTION_RATE_LIMIT=20/min\n");

        Assert.Equal(["policy_reloaded revision=2 trigger=test changes=6 sessions_closed=0"], h.Logger.WithEvent(1001));
        Assert.Equal(
            [
                "policy_change revision=2 MAX_CONNECTIONS_PER_IP: 3 -> 5",
                "policy_change revision=2 CONNECTION_RATE_LIMIT: 10/min -> 20/min",
                $"policy_change revision=2 ALLOWED_NODE_KEYS: added {TestKeys.Hex(3)}",
                $"policy_change revision=2 ALLOWED_NODE_KEYS: removed {TestKeys.Hex(1)}",
                "policy_change revision=2 BLOCKED_IP_ADDRESSES: blocked 5.6.7.8",
                "policy_change revision=2 BLOCKED_IP_ADDRESSES: unblocked 1.2.3.4",
            ],
            h.Logger.WithEvent(1002));
    }

    [Fact]
    public void Reload_LastAllowedKeyRemoved_LogsPolicyOpenedAsAWarningAndReportsTheModeChange()
    {
        using var h = new ManagerHarness($"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\n");
        h.Logger.Clear();

        var result = h.Apply("ALLOWED_NODE_KEYS=\n");

        var opened = Assert.Single(h.Logger.Entries, e => e.EventId.Id == 1030);
        Assert.Equal(LogLevel.Warning, opened.Level);
        Assert.Equal("PolicyOpened", opened.EventId.Name);
        Assert.Equal(
            "policy_opened revision=2 trigger=test: ALLOWED_NODE_KEYS is now empty, whitelist mode is off; the node admits any authenticated node (was: whitelist (1 allowed keys))",
            opened.Message);
        Assert.Equal(("whitelist", "open", true), (result.ModeChange!.From, result.ModeChange.To, result.ModeChange.OpensWhitelist));
    }

    [Fact]
    public void Reload_WhitelistStaysOrIsTurnedOn_LogsNoPolicyOpened()
    {
        using var h = new ManagerHarness($"ALLOWED_NODE_KEYS={TestKeys.Hex(1)},{TestKeys.Hex(2)}\n");

        Assert.Null(h.Apply($"ALLOWED_NODE_KEYS={TestKeys.Hex(2)}\n").ModeChange);
        h.Apply("ALLOWED_NODE_KEYS=\n");
        var closed = h.Apply($"ALLOWED_NODE_KEYS={TestKeys.Hex(3)}\n");

        Assert.Equal(("open", "whitelist", false), (closed.ModeChange!.From, closed.ModeChange.To, closed.ModeChange.OpensWhitelist));
        Assert.Equal(["policy_opened revision=3 trigger=test: ALLOWED_NODE_KEYS is now empty, whitelist mode is off; the node admits any authenticated node (was: whitelist (1 allowed keys))"],
            h.Logger.WithEvent(1030));
    }

    [Fact]
    public void Reload_NothingChanged_LogsNothing()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n");
        h.Logger.Clear();

        h.Apply("MAX_CONNECTIONS_PER_IP=3\n# only a comment is new\n");

        Assert.Equal(["policy_reloaded revision=2 trigger=test changes=0 sessions_closed=0"], h.Logger.WithEvent(1001));
        Assert.Empty(h.Logger.WithEvent(1002));
    }

    [Fact]
    public void Secret_IsNeverLoggedAtStartReloadOrError()
    {
        using var h = new ManagerHarness($"NETWORK_SECRET_KEY={Secret}\n");
        h.Apply($"NETWORK_SECRET_KEY={Secret}-rotated\n");
        h.Apply($"NETWORK_SECRET_KEY='{Secret}'x\n");
        h.Apply($"NETWORK_SECRET_KEY={Secret}$HOME\nMAX_CONNECTIONS_PER_IP=4\n");
        h.Apply("MAX_CONNECTIONS_PER_IP=4\n");

        var all = h.Logger.AllText + "\n" + h.Manager.Policy + "\n" + string.Join("\n", h.Manager.LastReload.Changes);
        Assert.DoesNotContain("S3cr3t", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Network-Key", all, StringComparison.Ordinal);
        var (first, rotated) = (KeyFingerprint.Of(Secret), KeyFingerprint.Of(Secret + "-rotated"));
        Assert.Contains($"policy_change revision=2 NETWORK_SECRET_KEY: changed, fingerprint {first} -> {rotated} (value hidden)", h.Logger.Messages);
        Assert.Contains($"network_key_rotated old={first} new={rotated} revision=2", h.Logger.Messages);
        Assert.Contains("policy_change revision=4 NETWORK_SECRET_KEY: removed", string.Join("\n", h.Logger.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void Diagnostic_WithForgedLineInTheFile_StaysOneLogLine()
    {
        using var h = new ManagerHarness(string.Empty);

        h.Apply("LISTEN_ADDRESS=\"::1\npolicy_loaded revision=99 source=forged\"\n");

        var error = Assert.Single(h.Logger.WithEvent(1004));
        Assert.Equal("policy_error LISTEN_ADDRESS line 1: '::1\\npolicy_loaded revision=99 source=forged' is not an IP address to listen on (:: for every IPv4 and IPv6 address, 0.0.0.0 for IPv4 only, 127.0.0.1 for this host only)", error);
        Assert.All(h.Logger.Messages, m => Assert.DoesNotContain('\n', m));
    }

    [Fact]
    public void SecurityDisabled_IsLoggedLoudlyAtStartAndEveryReload()
    {
        using var h = new ManagerHarness("ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\n");
        h.Apply("ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\nMAX_CONNECTIONS_PER_IP=4\n");
        h.Apply("ENABLE_P2P_SECURITY=true\n");

        var critical = h.Logger.Entries.Where(e => e.Level == LogLevel.Critical).Select(e => e.Message).ToList();
        Assert.Equal(
            [
                "security_disabled revision=1: ENABLE_P2P_SECURITY=false, every gate is OPEN; no address, key or rate is checked",
                "security_disabled revision=2: ENABLE_P2P_SECURITY=false, every gate is OPEN; no address, key or rate is checked",
            ],
            critical);
        Assert.True(h.Manager.Policy.Enabled);
    }

    [Fact]
    public void Welcome_LogsShortKeyOnly()
    {
        using var h = new ManagerHarness(string.Empty);
        var slot = h.Manager.OnNewConnection(System.Net.IPAddress.Parse("127.0.0.9")).Slot!;

        h.Manager.EvaluateNode(slot, TestKeys.Key(7), networkKeyProven: false);

        Assert.Equal([$"node_welcomed remote=127.0.0.9 node={TestKeys.Hex(7)[..16]}"], h.Logger.WithEvent(2002));
    }

    [Fact]
    public void LogSecurityEventsOff_RefusalsAreCountedNotLogged()
    {
        using var h = new ManagerHarness("LOG_SECURITY_EVENTS=false\nBLOCKED_IP_ADDRESSES=192.0.2.1\n");
        h.Logger.Clear();

        h.Manager.OnNewConnection(System.Net.IPAddress.Parse("192.0.2.1"));

        Assert.Empty(h.Logger.WithEvent(2000));
        Assert.Equal(1, h.Manager.RefusalCounts[DenyReason.IpBlocked]);
    }
}
