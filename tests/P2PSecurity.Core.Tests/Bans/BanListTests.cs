using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Bans;

/// <summary>Operator bans on a fake clock: in force when acknowledged, gone at their expiry, bounded by MAX_BANS.</summary>
public sealed class BanListTests
{
    [Fact]
    public async Task Ban_Address_RefusedAtAcceptWithIpBanned()
    {
        using var h = new BanHarness();

        var outcome = await h.BanAsync("203.0.113.7", TimeSpan.FromHours(1));

        Assert.Equal(BanOutcomeStatus.Added, outcome.Status);
        Assert.Equal(DenyReason.IpBanned, h.Accept("203.0.113.7"));
        Assert.Equal(DenyReason.IpBanned, h.Accept("::ffff:203.0.113.7"));
        Assert.Equal(DenyReason.None, h.Accept("203.0.113.8"));
    }

    [Fact]
    public async Task Ban_Cidr_CoversEveryAddressInIt()
    {
        using var h = new BanHarness();

        await h.BanAsync("198.51.100.0/24", null);

        Assert.Equal(DenyReason.IpBanned, h.Accept("198.51.100.0"));
        Assert.Equal(DenyReason.IpBanned, h.Accept("198.51.100.255"));
        Assert.Equal(DenyReason.None, h.Accept("198.51.101.0"));
    }

    [Fact]
    public async Task Ban_NodeKey_RefusedAtNodeGateWithNodeBanned()
    {
        using var h = new BanHarness();
        await h.BanAsync(TestKeys.Hex(7), TimeSpan.FromHours(1));

        var accept = h.Manager.EvaluateAccept(System.Net.IPAddress.Parse("192.0.2.1"));
        var decision = h.Manager.EvaluateNode(accept.Slot!, TestKeys.Key(7), networkKeyProven: true);
        accept.Slot!.Release();

        Assert.Equal(DenyReason.NodeBanned, decision.Reason);
    }

    [Fact]
    public async Task Ban_LiveSessions_AreEvictedBeforeTheAnswer()
    {
        using var h = new BanHarness();
        var (byAddress, addressEvictions) = h.Connect("192.0.2.10", TestKeys.Key(1));
        var (byKey, keyEvictions) = h.Connect("192.0.2.11", TestKeys.Key(2));
        var (other, otherEvictions) = h.Connect("192.0.2.12", TestKeys.Key(3));

        var first = await h.BanAsync("192.0.2.10", TimeSpan.FromHours(1));
        var second = await h.BanAsync(TestKeys.Hex(2), TimeSpan.FromHours(1));

        Assert.Equal(1, first.SessionsClosed);
        Assert.Equal(1, second.SessionsClosed);
        Assert.Equal([SecurityDecision.Deny(DenyReason.IpBanned)], addressEvictions);
        Assert.Equal([SecurityDecision.Deny(DenyReason.NodeBanned)], keyEvictions);
        Assert.Empty(otherEvictions);
        byAddress.Release();
        byKey.Release();
        other.Release();
    }

    [Fact]
    public async Task Ban_Expiry_GoneAtThatMillisecondOnTheInjectedClock()
    {
        using var h = new BanHarness();
        await h.BanAsync("203.0.113.7", TimeSpan.FromMinutes(10));

        h.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(DenyReason.IpBanned, h.Accept("203.0.113.7"));

        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(DenyReason.None, h.Accept("203.0.113.7"));
    }

    [Fact]
    public async Task Ban_Expired_IsDroppedFromTheStoreByHousekeeping()
    {
        using var h = new BanHarness();
        await h.BanAsync("203.0.113.7", TimeSpan.FromSeconds(30));
        Assert.Single(h.Store.Bans);

        h.Time.Advance(TimeSpan.FromSeconds(31));
        await h.Bans.FlushAsync();

        Assert.Empty(h.Store.Bans);
        Assert.Empty(h.Bans.Current.Bans);
        Assert.Contains(h.Logger.Messages, m => m.StartsWith("ban_expired target=203.0.113.7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ban_Forever_NeverExpires()
    {
        using var h = new BanHarness();
        await h.BanAsync("203.0.113.7", null);

        // Past the 24 h default; not years: the fake clock fires every periodic timer tick on the way.
        h.Time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(DenyReason.IpBanned, h.Accept("203.0.113.7"));
    }

    [Fact]
    public async Task Unban_AppliesAtTheNextConnection()
    {
        using var h = new BanHarness();
        await h.BanAsync("203.0.113.7", null);

        var removed = await h.Bans.UnbanAsync(BanHarness.Target("203.0.113.7"));
        var again = await h.Bans.UnbanAsync(BanHarness.Target("203.0.113.7"));

        Assert.Equal(BanOutcomeStatus.Removed, removed.Status);
        Assert.Equal(BanOutcomeStatus.NotFound, again.Status);
        Assert.Equal(DenyReason.None, h.Accept("203.0.113.7"));
        Assert.Empty(h.Store.Bans);
    }

    [Fact]
    public async Task Ban_NestedRanges_TheLongerBanHoldsInside()
    {
        using var h = new BanHarness();
        await h.BanAsync("10.0.0.0/8", TimeSpan.FromHours(1));
        await h.BanAsync("10.1.2.3", TimeSpan.FromHours(3));

        h.Time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(DenyReason.None, h.Accept("10.9.9.9"));
        Assert.Equal(DenyReason.IpBanned, h.Accept("10.1.2.3"));
    }

    [Fact]
    public async Task Ban_SecurityDisabled_OpensTheBanGateToo()
    {
        using var h = new BanHarness("ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\n");
        await h.BanAsync("203.0.113.7", null);

        Assert.Equal(DenyReason.None, h.Accept("203.0.113.7"));
    }

    [Fact]
    public async Task Ban_Again_UpdatesLengthAndReason()
    {
        using var h = new BanHarness();
        await h.BanAsync("203.0.113.7", TimeSpan.FromMinutes(1), "first");

        var second = await h.BanAsync("203.0.113.7", TimeSpan.FromHours(1), "second");
        h.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(BanOutcomeStatus.Updated, second.Status);
        Assert.Equal("first", second.Previous!.Reason);
        Assert.Equal(DenyReason.IpBanned, h.Accept("203.0.113.7"));
        Assert.Single(h.Bans.Current.Bans);
    }

    [Fact]
    public async Task Ban_StoreFails_NotInForceAndTheCallerSeesTheError()
    {
        using var h = new BanHarness();
        h.Store.Failing = true;

        var error = await Assert.ThrowsAsync<BanStoreException>(() => h.BanAsync("203.0.113.7", null));

        Assert.Contains("disk full", error.Message, StringComparison.Ordinal);
        Assert.Equal(DenyReason.None, h.Accept("203.0.113.7"));
        h.Store.Failing = false;
        Assert.Equal(BanOutcomeStatus.Added, (await h.BanAsync("203.0.113.7", null)).Status);
    }

    [Fact]
    public async Task Reopen_SameStore_BansHold()
    {
        var store = new MemoryBanStore();
        using (var first = new BanHarness(store: store))
        {
            await first.BanAsync("203.0.113.7", TimeSpan.FromHours(1));
            await first.BanAsync(TestKeys.Hex(3), null);
        }

        using var second = new BanHarness(store: store);

        Assert.Equal(DenyReason.IpBanned, second.Accept("203.0.113.7"));
        Assert.True(second.Bans.Current.IsNodeBanned(TestKeys.Key(3), second.Bans.NowMs));
    }

    [Fact]
    public async Task MaxBans_FullOfOperatorBans_BanFailsAndNothingIsDropped()
    {
        using var h = new BanHarness("MAX_BANS=2\n");
        await h.BanAsync("192.0.2.1", null);
        await h.BanAsync("192.0.2.2", null);

        var third = await h.BanAsync("192.0.2.3", null);

        Assert.Equal(BanOutcomeStatus.Full, third.Status);
        Assert.Equal(DenyReason.IpBanned, h.Accept("192.0.2.1"));
        Assert.Equal(DenyReason.IpBanned, h.Accept("192.0.2.2"));
        Assert.Equal(DenyReason.None, h.Accept("192.0.2.3"));
        Assert.Contains(h.Logger.Messages, m => m.StartsWith("ban_table_full target=192.0.2.3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MaxBans_Full_OperatorBanReplacesTheAutomaticBanClosestToExpiry()
    {
        using var h = new BanHarness("MAX_BANS=3\nAUTO_BAN_THRESHOLD=5\nAUTO_BAN_EXEMPT=\n");
        await h.BanAsync("192.0.2.1", null);
        await h.StrikeAsync("192.0.2.50", Offence.ProtocolViolation, 1);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.StrikeAsync("192.0.2.51", Offence.ProtocolViolation, 1);

        var outcome = await h.BanAsync("192.0.2.2", null);

        Assert.Equal(BanOutcomeStatus.Added, outcome.Status);
        Assert.Equal("192.0.2.50", outcome.Displaced!.Target.ToString());
        Assert.Equal(DenyReason.None, h.Accept("192.0.2.50"));
        Assert.Equal(DenyReason.IpBanned, h.Accept("192.0.2.51"));
        Assert.Equal(3, h.Bans.Current.Bans.Count);
    }
}
