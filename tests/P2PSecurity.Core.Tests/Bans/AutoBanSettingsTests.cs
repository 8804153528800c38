using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Bans;

public sealed class AutoBanSettingsTests
{
    [Fact]
    public void Load_NoSettings_DefaultsProtectAFreshInstall()
    {
        var settings = PolicyLoader.Load("", null).Policy!.AutoBan;

        Assert.Equal(AutoBanMode.On, settings.Mode);
        Assert.Equal(20, settings.Threshold);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.Window);
        Assert.Equal(TimeSpan.FromHours(1), settings.Duration);
        Assert.Equal(2, settings.Factor);
        Assert.Equal(TimeSpan.FromDays(7), settings.MaxDuration);
        Assert.Equal(1_000_000, settings.MaxBans);
        Assert.True(settings.Exempt.Contains(System.Net.IPAddress.Loopback));
        Assert.True(settings.Exempt.Contains(System.Net.IPAddress.IPv6Loopback));
    }

    [Fact]
    public void Load_EverySetting_Applied()
    {
        var text = "AUTO_BAN=log\nAUTO_BAN_THRESHOLD=5\nAUTO_BAN_WINDOW=30m\nAUTO_BAN_DURATION=2h\nAUTO_BAN_FACTOR=1.5\n" +
                   "AUTO_BAN_MAX_DURATION=30d\nAUTO_BAN_EXEMPT=192.0.2.0/24, 2001:db8::/32\nMAX_BANS=5000\nSTATE_DATABASE=state/bans.db\n";

        var policy = PolicyLoader.Load(text, null).Policy!;
        var s = policy.AutoBan;

        Assert.Equal(AutoBanMode.Log, s.Mode);
        Assert.Equal(5, s.Threshold);
        Assert.Equal(TimeSpan.FromMinutes(30), s.Window);
        Assert.Equal(TimeSpan.FromHours(2), s.Duration);
        Assert.Equal(1.5, s.Factor);
        Assert.Equal(TimeSpan.FromDays(30), s.MaxDuration);
        Assert.Equal(["192.0.2.0/24", "2001:db8::/32"], s.ExemptEntries.Order(StringComparer.Ordinal));
        Assert.False(s.Exempt.Contains(System.Net.IPAddress.Loopback));
        Assert.Equal(5000, s.MaxBans);
        Assert.Equal("state/bans.db", policy.StateDatabase);
    }

    [Theory]
    [InlineData("AUTO_BAN=maybe", "is not off, log (a dry run: log what would be banned) or on")]
    [InlineData("AUTO_BAN_THRESHOLD=0", "is not a whole number from 1 to 1000000")]
    [InlineData("AUTO_BAN_WINDOW=soon", "is not a duration from 1s to 100 years")]
    [InlineData("AUTO_BAN_FACTOR=0.5", "is not a factor from 1 to 100")]
    [InlineData("AUTO_BAN_EXEMPT=10.0.0.0/33", "is not a valid CIDR")]
    [InlineData("MAX_BANS=0", "is not a whole number from 1 to 10000000")]
    [InlineData("AUTO_BAN_DURATION=2d\nAUTO_BAN_MAX_DURATION=1d", "is shorter than AUTO_BAN_DURATION (2d)")]
    public void Load_BadValue_ErrorNamesIt(string text, string expected)
    {
        var result = PolicyLoader.Load(text + "\n", null);

        Assert.Null(result.Policy);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Diff_ChangedSetting_OneLine()
    {
        var a = PolicyLoader.Load("AUTO_BAN=on\n", null).Policy!;
        var b = PolicyLoader.Load("AUTO_BAN=log\nAUTO_BAN_EXEMPT=\n", null).Policy!;

        var changes = PolicyDiff.Compute(a, b);

        Assert.Contains("AUTO_BAN: on -> log", changes);
        Assert.Contains("AUTO_BAN_EXEMPT: 127.0.0.0/8, ::1 -> (none)", changes);
    }

    [Fact]
    public void DurationAfter_Escalates_CappedAtTheMaximum()
    {
        var s = new AutoBanSettings { Duration = TimeSpan.FromHours(1), Factor = 24, MaxDuration = TimeSpan.FromDays(4) };

        Assert.Equal(TimeSpan.FromHours(1), s.DurationAfter(0));
        Assert.Equal(TimeSpan.FromDays(1), s.DurationAfter(1));
        Assert.Equal(TimeSpan.FromDays(4), s.DurationAfter(2));
        Assert.Equal(TimeSpan.FromDays(4), s.DurationAfter(1000));
    }
}
