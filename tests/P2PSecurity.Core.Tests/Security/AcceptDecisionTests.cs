using System.Net;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

public sealed class AcceptDecisionTests
{
    [Theory]
    [InlineData("BLOCKED_IP_ADDRESSES=203.0.113.7", "203.0.113.7")]
    [InlineData("BLOCKED_IP_ADDRESSES=203.0.113.7", "::ffff:203.0.113.7")]
    [InlineData("BLOCKED_IP_ADDRESSES=::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("BLOCKED_IP_ADDRESSES=203.0.113.0/24", "203.0.113.200")]
    [InlineData("BLOCKED_IP_ADDRESSES=203.0.113.0/24", "::ffff:203.0.113.1")]
    [InlineData("BLOCKED_IP_ADDRESSES=2001:db8::/32", "2001:db8:1::5")]
    [InlineData("BLOCKED_IP_ADDRESSES=0.0.0.0/0", "127.0.0.1")]
    public void Evaluate_BlockedIpOrCidr_Denies(string policy, string remote)
    {
        using var h = new ManagerHarness(policy + "\n");

        var result = h.Manager.OnNewConnection(IPAddress.Parse(remote));

        Assert.Equal(DenyReason.IpBlocked, result.Decision.Reason);
        Assert.Null(result.Slot);
        Assert.Empty(h.Manager.LiveConnections);
        Assert.Equal(1, h.Manager.RefusalCounts[DenyReason.IpBlocked]);
    }

    [Theory]
    [InlineData("203.0.112.255")]
    [InlineData("203.0.114.0")]
    [InlineData("::203.0.113.1")]
    [InlineData("2001:db9::1")]
    public void Evaluate_AddressOutsideEveryBlock_Admits(string remote)
    {
        using var h = new ManagerHarness("BLOCKED_IP_ADDRESSES=203.0.113.0/24,2001:db8::/32\n");

        var result = h.Manager.OnNewConnection(IPAddress.Parse(remote));

        Assert.True(result.Allowed);
        Assert.NotNull(result.Slot);
    }

    [Fact]
    public void Evaluate_TooManyConnectionsFromIp_DeniesUntilOneCloses()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=2\nCONNECTION_RATE_LIMIT=100\n");
        var ip = IPAddress.Parse("10.0.0.7");

        var a = h.Manager.OnNewConnection(ip);
        var b = h.Manager.OnNewConnection(IPAddress.Parse("::ffff:10.0.0.7")); // the same address in mapped form
        var c = h.Manager.OnNewConnection(ip);
        var other = h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.8"));
        a.Slot!.Release();
        var d = h.Manager.OnNewConnection(ip);

        Assert.True(a.Allowed);
        Assert.True(b.Allowed);
        Assert.Equal(DenyReason.TooManyConnectionsFromIp, c.Decision.Reason);
        Assert.True(other.Allowed);
        Assert.True(d.Allowed);
        Assert.Equal(IPAddress.Parse("10.0.0.7"), b.Slot!.Address);
    }

    [Fact]
    public void Evaluate_ConnectionRateExceeded_DeniesUntilReplenished()
    {
        using var h = new ManagerHarness("CONNECTION_RATE_LIMIT=3/min\nMAX_CONNECTIONS_PER_IP=100\n");
        var ip = IPAddress.Parse("10.0.0.9");

        for (var i = 0; i < 3; i++)
        {
            Assert.True(h.Manager.OnNewConnection(ip).Allowed, $"connection {i}");
        }
        Assert.Equal(DenyReason.ConnectionRateExceeded, h.Manager.OnNewConnection(ip).Decision.Reason);
        Assert.True(h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.10")).Allowed); // per address

        h.Time.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(DenyReason.ConnectionRateExceeded, h.Manager.OnNewConnection(ip).Decision.Reason);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(h.Manager.OnNewConnection(ip).Allowed);
        Assert.Equal(DenyReason.ConnectionRateExceeded, h.Manager.OnNewConnection(ip).Decision.Reason);
    }

    [Fact]
    public void Release_Twice_CountDropsByOne()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=2\nCONNECTION_RATE_LIMIT=100\n");
        var ip = IPAddress.Parse("10.0.0.7");
        var a = h.Manager.OnNewConnection(ip).Slot!;
        h.Manager.OnNewConnection(ip);

        a.Release();
        a.Release();

        Assert.True(a.IsReleased);
        Assert.Single(h.Manager.LiveConnections);
        Assert.True(h.Manager.OnNewConnection(ip).Allowed);
        Assert.Equal(DenyReason.TooManyConnectionsFromIp, h.Manager.OnNewConnection(ip).Decision.Reason);
    }

    [Fact]
    public void Release_FromManyThreadsAtOnce_CountsDownOnce()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=2\nCONNECTION_RATE_LIMIT=1000\n");
        var ip = IPAddress.Parse("10.0.0.7");

        for (var round = 0; round < 50; round++)
        {
            var a = h.Manager.OnNewConnection(ip).Slot!;
            var b = h.Manager.OnNewConnection(ip).Slot!;
            Parallel.For(0, 8, _ => a.Release());
            var c = h.Manager.OnNewConnection(ip);
            Assert.True(c.Allowed, $"round {round}");
            Assert.False(h.Manager.OnNewConnection(ip).Allowed);
            b.Release();
            c.Slot!.Release();
        }
    }

    [Fact]
    public void Slot_OpenedAt_IsTheAdmissionTime()
    {
        using var h = new ManagerHarness(string.Empty);
        var admittedAt = h.Time.GetUtcNow();
        var slot = h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.1")).Slot!;

        h.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(admittedAt, slot.OpenedAt);
    }

    [Fact]
    public void LiveConnections_FollowAdmissionsAndReleasesInAnyOrder()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=10\nCONNECTION_RATE_LIMIT=1000\n");
        var slots = Enumerable.Range(0, 30).Select(i => h.Manager.OnNewConnection(IPAddress.Parse($"10.0.0.{i % 3}")).Slot!).ToList();
        var random = new Random(5);
        var released = slots.OrderBy(_ => random.Next()).Take(17).ToList();

        released.ForEach(s => s.Release());

        var live = h.Manager.LiveConnections.Select(s => s.Id).Order().ToList();
        Assert.Equal(slots.Except(released).Select(s => s.Id).Order().ToList(), live);
        Assert.Equal(30, slots.Select(s => s.Id).Distinct().Count());
    }

    [Fact]
    public void Disabled_OpensEveryGate()
    {
        var key = TestKeys.Hex(1);
        using var h = new ManagerHarness(
            $"ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\nBLOCKED_IP_ADDRESSES=10.0.0.0/8\nMAX_CONNECTIONS_PER_IP=1\nCONNECTION_RATE_LIMIT=1\nMESSAGE_RATE_LIMIT=1\nBLOCKED_NODE_KEYS={key}\nALLOWED_NODE_KEYS={TestKeys.Hex(2)}\nNETWORK_SECRET_KEY=0123456789abcdef0123\n");
        var ip = IPAddress.Parse("10.1.2.3");

        var slots = Enumerable.Range(0, 5).Select(_ => h.Manager.OnNewConnection(ip)).ToList();

        Assert.All(slots, s => Assert.True(s.Allowed));
        Assert.True(h.Manager.EvaluateNode(slots[0].Slot!, TestKeys.Key(1), networkKeyProven: false).Allowed);
        Assert.True(h.Manager.EvaluateNode(slots[1].Slot!, null, networkKeyProven: false).Allowed);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(h.Manager.EvaluateMessage(slots[0].Slot!).Allowed);
        }
        Assert.False(h.Manager.IsOriginBlocked(TestKeys.Key(1)));
        Assert.Empty(h.Manager.RefusalCounts);
        Assert.Equal(5, h.Manager.LiveConnections.Count); // still counted, so a re-enable applies to them
        Assert.Contains(h.Logger.Entries, e => e.EventId.Id == 1008 && e.Level == Microsoft.Extensions.Logging.LogLevel.Critical);
    }

    [Fact]
    public void DenyReasons_HaveStableDistinctCodesAndDescriptions()
    {
        var reasons = Enum.GetValues<DenyReason>();

        Assert.Equal(reasons.Length, reasons.Select(r => r.Code()).Distinct().Count());
        Assert.All(reasons, r => Assert.NotEqual("unknown", r.Code()));
        Assert.All(reasons, r => Assert.NotEqual("unknown reason", r.Describe()));
        Assert.Equal("ip_blocked", DenyReason.IpBlocked.Code());
        Assert.Equal(1, (int)DenyReason.IpBlocked);
        Assert.Equal(20, (int)DenyReason.MessageRateExceeded);
        Assert.Equal(255, (int)DenyReason.InternalError);
    }
}
