using System.Net;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Logging;

public sealed class RejectionLogTests
{
    [Fact]
    public void Flood_HundredThousandRefusalsFromOneAddress_GiveAFewLinesAndOneSummary()
    {
        using var h = new ManagerHarness("BLOCKED_IP_ADDRESSES=10.0.0.7\n");
        h.Logger.Clear();
        var ip = IPAddress.Parse("::ffff:10.0.0.7");

        for (var i = 0; i < 100_000; i++)
        {
            Assert.False(h.Manager.EvaluateAccept(ip).Allowed);
        }
        var detailed = h.Logger.Messages.Count;
        h.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.InRange(detailed, 1, 6);
        Assert.All(h.Logger.Messages.Take(detailed), m => Assert.Equal("connection_refused remote=10.0.0.7 node=- reason=ip_blocked: address is in BLOCKED_IP_ADDRESSES", m));
        var summary = Assert.Single(h.Logger.WithEvent(2001));
        Assert.Equal($"rejections_summarized {100_000 - detailed:N0} more rejections from 10.0.0.7 in the last 10 s (ip_blocked: {100_000 - detailed:N0})", summary);
        Assert.Equal(detailed + 1, h.Logger.Messages.Count);
        Assert.Equal(100_000, h.Manager.RefusalCounts[DenyReason.IpBlocked]);
    }

    [Fact]
    public void Flood_NextWindow_StartsWithDetailedLinesAgain()
    {
        var logger = new CapturingLogger();
        var time = new FakeTimeProvider();
        using var log = new RejectionLog(logger, time);
        var ip = IPAddress.Parse("192.0.2.1");

        for (var i = 0; i < 20; i++)
        {
            log.Refused(ip, null, DenyReason.ConnectionRateExceeded);
        }
        time.Advance(TimeSpan.FromSeconds(10));
        log.Refused(ip, null, DenyReason.ConnectionRateExceeded);
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(RejectionLog.DetailedPerAddress + 1, logger.WithEvent(2000).Count);
        Assert.Equal(["rejections_summarized 15 more rejections from 192.0.2.1 in the last 10 s (connection_rate_exceeded: 15)"], logger.WithEvent(2001));
    }

    [Fact]
    public void Flood_FromManyAddresses_IsBoundedInTotal()
    {
        var logger = new CapturingLogger();
        var time = new FakeTimeProvider();
        using var log = new RejectionLog(logger, time);

        for (var a = 0; a < 20_000; a++)
        {
            var ip = new IPAddress([10, (byte)(a >> 16), (byte)(a >> 8), (byte)a]);
            log.Refused(ip, null, DenyReason.IpBlocked);
            log.Refused(ip, null, DenyReason.TooManyConnectionsFromIp);
        }
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(RejectionLog.DetailedTotal, logger.WithEvent(2000).Count);
        // The busiest addresses get a summary each; the rest share one line.
        var summaries = logger.WithEvent(2001);
        Assert.Equal(RejectionLog.MaxSummaryLines + 1, summaries.Count);
        Assert.Equal("rejections_summarized 39,700 more rejections from other addresses in the last 10 s (ip_blocked: 19,850, too_many_connections_from_ip: 19,850)", summaries[^1]);
    }

    [Fact]
    public void Dispose_FlushesPendingSummaries()
    {
        var logger = new CapturingLogger();
        var log = new RejectionLog(logger, new FakeTimeProvider());
        for (var i = 0; i < 8; i++)
        {
            log.Refused(IPAddress.Parse("2001:db8::1"), "abcdef0123456789", DenyReason.NodeBlocked);
        }

        log.Dispose();

        Assert.Equal(["rejections_summarized 3 more rejections from 2001:db8::1 in the last 10 s (node_blocked: 3)"], logger.WithEvent(2001));
    }
}
