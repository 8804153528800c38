using System.Net;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>IPV6_LIMIT_PREFIX: the per-address limits count an IPv6 peer by its network (synthetic 2001:db8::/32 addresses).</summary>
public sealed class Ipv6PrefixLimitTests
{
    private static IPAddress Ip(string text) => IPAddress.Parse(text);

    [Fact]
    public void Evaluate_ManyAddressesOfOneSlash64_RefusedAtMaxConnectionsPerIp()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\nCONNECTION_RATE_LIMIT=1000\n");

        var results = Enumerable.Range(1, 4).Select(i => h.Manager.OnNewConnection(Ip($"2001:db8:1:2::{i:x}"))).ToList();
        var otherPrefix = h.Manager.OnNewConnection(Ip("2001:db8:1:3::1"));

        Assert.All(results.Take(3), r => Assert.True(r.Allowed));
        Assert.Equal(DenyReason.TooManyConnectionsFromIp, results[3].Decision.Reason);
        Assert.True(otherPrefix.Allowed);
        Assert.Equal(2, h.Manager.TrackedAddresses); // one state per /64, not one per address
    }

    /// <summary>
    /// The figure of docs/RELIABILITY.md ("one /64, many addresses"): 100,000 random addresses of one /64 open
    /// connections and keep them. Counted per /64, MAX_CONNECTIONS_PER_IP admits 3 and the table holds one entry;
    /// counted per address (IPV6_LIMIT_PREFIX=128, as before issue 10) only the global MAX_CONNECTIONS stops them.
    /// </summary>
    [Theory]
    [InlineData(64, 3, 1)]
    [InlineData(128, 10_000, 10_000)]
    public void Evaluate_100000AddressesOfOneSlash64_AdmittedOnlyUpToThePrefixLimit(int prefix, int admitted, int tableEntries)
    {
        using var h = new ManagerHarness($"IPV6_LIMIT_PREFIX={prefix}\nMAX_CONNECTIONS_PER_IP=3\nCONNECTION_RATE_LIMIT=1000000/min\nMAX_CONNECTIONS=10000\n");
        var random = new Random(64);
        var bytes = new byte[16];
        IPAddress.Parse("2001:db8:1:2::").GetAddressBytes().CopyTo(bytes, 0);
        var reasons = new Dictionary<DenyReason, int>();

        for (var i = 0; i < 100_000; i++)
        {
            random.NextBytes(bytes.AsSpan(8));
            var reason = h.Manager.EvaluateAccept(new IPAddress(bytes)).Decision.Reason;
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }

        Assert.Equal(admitted, reasons.GetValueOrDefault(DenyReason.None));
        var refusedFor = prefix == 64 ? DenyReason.TooManyConnectionsFromIp : DenyReason.TooManyConnections;
        Assert.Equal(100_000 - admitted, reasons.GetValueOrDefault(refusedFor));
        Assert.Equal(tableEntries, h.Manager.TrackedAddresses);
    }

    [Fact]
    public void Evaluate_ManyAddressesOfOneSlash64_ShareTheConnectionRate()
    {
        using var h = new ManagerHarness("CONNECTION_RATE_LIMIT=2/min\nMAX_CONNECTIONS_PER_IP=100\n");

        Assert.True(h.Manager.OnNewConnection(Ip("2001:db8:1:2::a")).Allowed);
        Assert.True(h.Manager.OnNewConnection(Ip("2001:db8:1:2:ffff::b")).Allowed);
        Assert.Equal(DenyReason.ConnectionRateExceeded, h.Manager.OnNewConnection(Ip("2001:db8:1:2::c")).Decision.Reason);
    }

    [Fact]
    public void EvaluateMessage_ConnectionsOfOneSlash64_ShareTheMessageRate()
    {
        using var h = new ManagerHarness("MESSAGE_RATE_LIMIT=3/min\nMAX_CONNECTIONS_PER_IP=10\n");
        var a = h.Manager.OnNewConnection(Ip("2001:db8:1:2::1")).Slot!;
        var b = h.Manager.OnNewConnection(Ip("2001:db8:1:2::2")).Slot!;

        Assert.True(h.Manager.EvaluateMessage(a).Allowed);
        Assert.True(h.Manager.EvaluateMessage(b).Allowed);
        Assert.True(h.Manager.EvaluateMessage(a).Allowed);
        Assert.Equal(DenyReason.MessageRateExceeded, h.Manager.EvaluateMessage(b).Reason);
    }

    [Theory]
    [InlineData(48, "2001:db8:1:ffff::1", false)]
    [InlineData(48, "2001:db8:2::1", true)]
    [InlineData(64, "2001:db8:1:2::ffff", false)]
    [InlineData(64, "2001:db8:1:3::1", true)]
    [InlineData(128, "2001:db8:1:2::2", true)]
    public void Evaluate_Ipv6LimitPrefix_DecidesWhatIsOnePeer(int prefix, string second, bool admitted)
    {
        using var h = new ManagerHarness($"IPV6_LIMIT_PREFIX={prefix}\nMAX_CONNECTIONS_PER_IP=1\nCONNECTION_RATE_LIMIT=1000\n");

        Assert.True(h.Manager.OnNewConnection(Ip("2001:db8:1:2::1")).Allowed);
        Assert.Equal(admitted, h.Manager.OnNewConnection(Ip(second)).Allowed);
    }

    [Fact]
    public void Evaluate_Ipv4AndMapped_StayPerAddress()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=1\nCONNECTION_RATE_LIMIT=1000\nIPV6_LIMIT_PREFIX=48\n");

        Assert.True(h.Manager.OnNewConnection(Ip("10.0.0.1")).Allowed);
        Assert.True(h.Manager.OnNewConnection(Ip("::ffff:10.0.0.2")).Allowed);
        Assert.True(h.Manager.OnNewConnection(Ip("10.0.0.3")).Allowed);
        Assert.Equal(DenyReason.TooManyConnectionsFromIp, h.Manager.OnNewConnection(Ip("::ffff:10.0.0.1")).Decision.Reason);
    }

    [Fact]
    public void Evaluate_BlockedIpv6Address_StaysExactInsideItsPrefix()
    {
        using var h = new ManagerHarness("BLOCKED_IP_ADDRESSES=2001:db8:1:2::5\nCONNECTION_RATE_LIMIT=1000\n");
        var neighbour = h.Manager.OnNewConnection(Ip("2001:db8:1:2::6"));

        Assert.Equal(DenyReason.IpBlocked, h.Manager.OnNewConnection(Ip("2001:db8:1:2::5")).Decision.Reason);
        Assert.True(neighbour.Allowed);
        Assert.Equal(Ip("2001:db8:1:2::6"), neighbour.Slot!.Address); // the peer's own address, not its /64
    }

    [Fact]
    public void EvaluateLive_BlockAddedForOneAddress_EvictsOnlyThatAddressOfThePrefix()
    {
        using var h = new ManagerHarness("CONNECTION_RATE_LIMIT=1000\n");
        var target = h.Manager.OnNewConnection(Ip("2001:db8:1:2::5")).Slot!;
        var neighbour = h.Manager.OnNewConnection(Ip("2001:db8:1:2::6")).Slot!;

        h.Apply("CONNECTION_RATE_LIMIT=1000\nBLOCKED_IP_ADDRESSES=2001:db8:1:2::5\n");

        Assert.Equal(DenyReason.IpBlocked, SecurityManager.EvaluateLive(target, h.Manager.Policy).Reason);
        Assert.True(SecurityManager.EvaluateLive(neighbour, h.Manager.Policy).Allowed);
    }

    [Fact]
    public void Release_AfterThePrefixChanged_GivesTheCountBackWhereItWasTaken()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=1\nCONNECTION_RATE_LIMIT=1000\nIPV6_LIMIT_PREFIX=64\n");
        var first = h.Manager.OnNewConnection(Ip("2001:db8:1:2::1")).Slot!;

        h.Apply("MAX_CONNECTIONS_PER_IP=1\nCONNECTION_RATE_LIMIT=1000\nIPV6_LIMIT_PREFIX=128\n");
        var second = h.Manager.OnNewConnection(Ip("2001:db8:1:2::2")).Slot!;
        first.Release();
        second.Release();
        h.Apply("MAX_CONNECTIONS_PER_IP=1\nCONNECTION_RATE_LIMIT=1000\nIPV6_LIMIT_PREFIX=64\n");

        // The /64 was counted once and released once: it admits one connection again, and only one.
        Assert.True(h.Manager.OnNewConnection(Ip("2001:db8:1:2::3")).Allowed);
        Assert.Equal(DenyReason.TooManyConnectionsFromIp, h.Manager.OnNewConnection(Ip("2001:db8:1:2::4")).Decision.Reason);
        Assert.Equal(0, h.Manager.InboundConnections - 1);
    }

    [Theory]
    [InlineData("2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::")]
    [InlineData("2001:db8:1:2:3:4:5:6", 56, "2001:db8:1::")]
    [InlineData("2001:db8:1:2ff:3:4:5:6", 56, "2001:db8:1:200::")]
    [InlineData("2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6")]
    [InlineData("10.1.2.3", 48, "10.1.2.3")]
    [InlineData("::ffff:10.1.2.3", 64, "10.1.2.3")]
    public void LimitKey_ClearsIpv6HostBitsAndKeepsIpv4(string address, int prefix, string expected)
    {
        var key = IpAddressKey.LimitKey(IpAddressKey.From(Ip(address)), prefix);

        Assert.Equal(Ip(expected), IpAddressKey.ToAddress(key));
    }
}
