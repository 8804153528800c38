using System.Net;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Bans;

/// <summary>Automatic bans on a fake clock: thresholds, windows, escalation, exemptions, the dry run, allowed nodes.</summary>
public sealed class AutoBanTests
{
    private const string Open = "AUTO_BAN_EXEMPT=\nAUTO_BAN_THRESHOLD=10\nAUTO_BAN_WINDOW=10m\nAUTO_BAN_DURATION=1h\nAUTO_BAN_FACTOR=4\nAUTO_BAN_MAX_DURATION=1d\n";

    [Fact]
    public async Task Strikes_BelowThreshold_NoBan()
    {
        using var h = new BanHarness(Open);

        await h.StrikeAsync("192.0.2.9", Offence.TlsFailed, 4); // 8 strikes

        Assert.Equal(DenyReason.None, h.Accept("192.0.2.9"));
        Assert.Equal(8, h.Bans.Strikes.Find(Key("192.0.2.9"))!.Value.Strikes);
    }

    [Fact]
    public async Task Strikes_ReachThreshold_BannedForTheFirstDuration()
    {
        using var h = new BanHarness(Open);

        await h.StrikeAsync("192.0.2.9", Offence.ProtocolViolation, 2); // 10 strikes

        Assert.Equal(DenyReason.IpBanned, h.Accept("192.0.2.9"));
        var ban = Assert.Single(h.Bans.Current.Bans);
        Assert.Equal(BanSource.Automatic, ban.Source);
        Assert.Equal(TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(ban.ExpiresAtMs - ban.MadeAtMs));
        Assert.Contains(h.Logger.Messages, m => m.StartsWith("auto_ban target=192.0.2.9 strikes=10 last=protocol_violation for=1h ban_number=1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Strikes_OutsideTheWindow_StartAgain()
    {
        using var h = new BanHarness(Open);
        await h.StrikeAsync("192.0.2.9", Offence.TlsFailed, 4); // 8

        h.Time.Advance(TimeSpan.FromMinutes(10));
        await h.StrikeAsync("192.0.2.9", Offence.TlsFailed, 4); // 8 again, not 16

        Assert.Equal(DenyReason.None, h.Accept("192.0.2.9"));
        Assert.Equal(8, h.Bans.Strikes.Find(Key("192.0.2.9"))!.Value.Strikes);
    }

    [Fact]
    public async Task RepeatOffender_EachBanLongerByTheFactor_UpToTheMaximum()
    {
        using var h = new BanHarness(Open);
        var lengths = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            await h.StrikeAsync("192.0.2.9", Offence.ProtocolViolation, 2);
            var ban = Assert.Single(h.Bans.Current.Bans, b => b.IsActive(h.Bans.NowMs));
            lengths.Add(TimeSpan.FromMilliseconds(ban.ExpiresAtMs - ban.MadeAtMs));
            h.Time.Advance(TimeSpan.FromMilliseconds(ban.ExpiresAtMs - ban.MadeAtMs));
            Assert.Equal(DenyReason.None, h.Accept("192.0.2.9"));
        }

        Assert.Equal([TimeSpan.FromHours(1), TimeSpan.FromHours(4), TimeSpan.FromHours(16), TimeSpan.FromDays(1)], lengths);
    }

    [Fact]
    public async Task Escalation_And_Strikes_SurviveARestart()
    {
        var store = new MemoryBanStore();
        using (var first = new BanHarness(Open, store))
        {
            await first.StrikeAsync("192.0.2.9", Offence.ProtocolViolation, 2); // ban 1
            first.Time.Advance(TimeSpan.FromHours(1));
            await first.StrikeAsync("192.0.2.9", Offence.TlsFailed, 3); // 6 strikes, no ban yet
        }

        using var second = new BanHarness(Open, store);
        Assert.Equal(6, second.Bans.Strikes.Find(Key("192.0.2.9"))!.Value.Strikes);
        await second.StrikeAsync("192.0.2.9", Offence.TlsFailed, 2); // 10: ban 2

        var ban = Assert.Single(second.Bans.Current.Bans, b => b.IsActive(second.Bans.NowMs));
        Assert.Equal(TimeSpan.FromHours(4), TimeSpan.FromMilliseconds(ban.ExpiresAtMs - ban.MadeAtMs));
    }

    [Fact]
    public async Task Exempt_AddressInTheList_NeverBanned()
    {
        using var h = new BanHarness(Open.Replace("AUTO_BAN_EXEMPT=", "AUTO_BAN_EXEMPT=192.0.2.0/24", StringComparison.Ordinal));

        await h.StrikeAsync("192.0.2.9", Offence.ProtocolViolation, 10);
        await h.StrikeAsync("198.51.100.9", Offence.ProtocolViolation, 2);

        Assert.Equal(DenyReason.None, h.Accept("192.0.2.9"));
        Assert.Equal(DenyReason.IpBanned, h.Accept("198.51.100.9"));
    }

    [Fact]
    public async Task Exempt_Default_LoopbackNeverBanned()
    {
        using var h = new BanHarness("AUTO_BAN_THRESHOLD=5\n");

        await h.StrikeAsync("127.0.0.1", Offence.ProtocolViolation, 10);
        await h.StrikeAsync("::1", Offence.ProtocolViolation, 10);

        Assert.Empty(h.Bans.Current.Bans);
    }

    [Fact]
    public async Task DryRun_LogsWouldBan_BansNothing()
    {
        using var h = new BanHarness(Open + "AUTO_BAN=log\n");

        await h.StrikeAsync("192.0.2.9", Offence.ProtocolViolation, 2);

        Assert.Equal(DenyReason.None, h.Accept("192.0.2.9"));
        Assert.Empty(h.Bans.Current.Bans);
        Assert.Contains(h.Logger.Messages, m => m.StartsWith("auto_ban_would_ban target=192.0.2.9 strikes=10 last=protocol_violation for=1h", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Off_NoStrikesCounted()
    {
        using var h = new BanHarness(Open + "AUTO_BAN=off\n");

        await h.StrikeAsync("192.0.2.9", Offence.ProtocolViolation, 5);

        Assert.Null(h.Bans.Strikes.Find(Key("192.0.2.9")));
        Assert.Empty(h.Bans.Current.Bans);
    }

    [Fact]
    public async Task Ipv6_CountedAndBannedPerSlash64()
    {
        using var h = new BanHarness(Open);

        await h.StrikeAsync("2001:db8:1:2::1", Offence.ProtocolViolation, 1);
        await h.StrikeAsync("2001:db8:1:2::2", Offence.ProtocolViolation, 1);

        var ban = Assert.Single(h.Bans.Current.Bans);
        Assert.Equal("2001:db8:1:2::/64", ban.Target.ToString());
        Assert.Equal(DenyReason.IpBanned, h.Accept("2001:db8:1:2:ffff::9"));
        Assert.Equal(DenyReason.None, h.Accept("2001:db8:1:3::1"));
    }

    [Theory]
    [InlineData(48, "2001:db8:1:2::1", "2001:db8:1:7::1", "2001:db8:1::/48", "2001:db8:1:ffff::9", "2001:db8:2::1")]
    [InlineData(56, "2001:db8:1:200::1", "2001:db8:1:2ff::1", "2001:db8:1:200::/56", "2001:db8:1:2aa::9", "2001:db8:1:300::1")]
    public async Task Ipv6_CountedAndBannedPerIpv6LimitPrefix(int prefix, string first, string second, string banned, string inside, string outside)
    {
        using var h = new BanHarness(Open + $"IPV6_LIMIT_PREFIX={prefix}\n");

        await h.StrikeAsync(first, Offence.ProtocolViolation, 1);
        await h.StrikeAsync(second, Offence.ProtocolViolation, 1);

        var ban = Assert.Single(h.Bans.Current.Bans);
        Assert.Equal(banned, ban.Target.ToString());
        Assert.Equal(DenyReason.IpBanned, h.Accept(inside));
        Assert.Equal(DenyReason.None, h.Accept(outside));
    }

    [Fact]
    public async Task Ipv6_LimitPrefix128_EachAddressCountedAlone()
    {
        using var h = new BanHarness(Open + "IPV6_LIMIT_PREFIX=128\n");

        await h.StrikeAsync("2001:db8:1:2::1", Offence.ProtocolViolation, 1);
        await h.StrikeAsync("2001:db8:1:2::2", Offence.ProtocolViolation, 1);

        Assert.Empty(h.Bans.Current.Bans);
        await h.StrikeAsync("2001:db8:1:2::1", Offence.ProtocolViolation, 1);
        Assert.Equal("2001:db8:1:2::1", Assert.Single(h.Bans.Current.Bans).Target.ToString());
        Assert.Equal(DenyReason.None, h.Accept("2001:db8:1:2::2"));
    }

    [Fact]
    public async Task Ipv6_LimitPrefixReloaded_NextStrikesCountedByTheNewPrefix()
    {
        using var h = new BanHarness(Open);
        Assert.Equal(ReloadOutcome.Applied, h.Apply(Open + "IPV6_LIMIT_PREFIX=48\n").Outcome);

        await h.StrikeAsync("2001:db8:1:2::1", Offence.ProtocolViolation, 1);
        await h.StrikeAsync("2001:db8:1:3::1", Offence.ProtocolViolation, 1);

        Assert.Equal("2001:db8:1::/48", Assert.Single(h.Bans.Current.Bans).Target.ToString());
    }

    [Fact]
    public async Task AllowedNodeSession_FromTheAddress_NeverAutoBanned()
    {
        using var h = new BanHarness(Open + $"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\n");
        var (slot, evictions) = h.Connect("192.0.2.9", TestKeys.Key(1));

        await h.StrikeAsync("192.0.2.9", Offence.ProtocolViolation, 4);

        Assert.Empty(h.Bans.Current.Bans);
        Assert.Empty(evictions);
        Assert.Contains(h.Logger.Messages, m => m.StartsWith("auto_ban_skipped target=192.0.2.9", StringComparison.Ordinal));
        slot.Release();
        await h.StrikeAsync("192.0.2.9", Offence.ProtocolViolation, 2);
        Assert.Single(h.Bans.Current.Bans);
    }

    [Fact]
    public async Task ProtocolViolations_ReportedByTheTransport_LeadToABan()
    {
        using var h = new BanHarness(Open);
        var address = IPAddress.Parse("192.0.2.9");

        h.Manager.ReportRefusal(address, null, DenyReason.ProtocolViolation);
        h.Manager.ReportRefusal(address, null, DenyReason.ProtocolViolation);
        await h.Bans.FlushAsync();

        Assert.Equal(DenyReason.IpBanned, h.Accept("192.0.2.9"));
    }

    [Fact]
    public async Task ConnectionRateRefusals_Repeated_LeadToABan()
    {
        using var h = new BanHarness(Open + "CONNECTION_RATE_LIMIT=1/min\n");

        Assert.Equal(DenyReason.None, h.Accept("192.0.2.9"));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(DenyReason.ConnectionRateExceeded, h.Accept("192.0.2.9"));
        }
        await h.Bans.FlushAsync();

        Assert.Equal(DenyReason.IpBanned, h.Accept("192.0.2.9"));
    }

    [Fact]
    public async Task Settings_Reload_AppliesToTheNextStrike()
    {
        using var h = new BanHarness(Open + "AUTO_BAN=log\n");
        await h.StrikeAsync("192.0.2.9", Offence.ProtocolViolation, 2);
        Assert.Empty(h.Bans.Current.Bans);

        Assert.Equal(ReloadOutcome.Applied, h.Apply(Open + "AUTO_BAN=on\n").Outcome);
        await h.StrikeAsync("192.0.2.9", Offence.ProtocolViolation, 2);

        Assert.Single(h.Bans.Current.Bans);
    }

    [Fact]
    public async Task MaxBans_FullOfAutomaticBans_NewOneReplacesTheClosestToExpiry()
    {
        using var h = new BanHarness(Open + "MAX_BANS=2\nAUTO_BAN_THRESHOLD=5\n");
        await h.StrikeAsync("192.0.2.1", Offence.ProtocolViolation, 1);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.StrikeAsync("192.0.2.2", Offence.ProtocolViolation, 1);
        h.Time.Advance(TimeSpan.FromMinutes(1));

        await h.StrikeAsync("192.0.2.3", Offence.ProtocolViolation, 1);

        Assert.Equal(DenyReason.None, h.Accept("192.0.2.1"));
        Assert.Equal(DenyReason.IpBanned, h.Accept("192.0.2.2"));
        Assert.Equal(DenyReason.IpBanned, h.Accept("192.0.2.3"));
    }

    private static UInt128 Key(string address) => IpAddressKey.From(IPAddress.Parse(address));
}
