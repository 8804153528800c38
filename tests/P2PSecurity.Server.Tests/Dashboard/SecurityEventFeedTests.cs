using P2PSecurity.Core.Logging;
using P2PSecurity.Server.Dashboard;
using Serilog.Events;
using Serilog.Parsing;

namespace P2PSecurity.Server.Tests.Dashboard;

/// <summary>The events page's feed: a follower that does not read loses events, counted, and never makes the feed buffer without bound.</summary>
public sealed class SecurityEventFeedTests
{
    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse("connection_refused remote={Remote} reason={Reason}");

    [Fact]
    public void Emit_FollowerThatNeverReads_KeepsAtMostItsQueueAndCountsEveryDrop()
    {
        var feed = new SecurityEventFeed();
        using var slow = feed.Follow();
        using var fast = feed.Follow();
        var fastSeen = 0;

        for (var i = 0; i < 10_000; i++)
        {
            feed.Emit(Event(i));
            while (fast.Queue.Reader.TryRead(out _))
            {
                fastSeen++;
            }
        }

        Assert.Equal(SecurityEventFeed.FollowerQueue, slow.Queue.Reader.Count);
        Assert.Equal(10_000 - SecurityEventFeed.FollowerQueue, slow.TakeDropped());
        Assert.Equal(0, slow.TakeDropped()); // taken once, for the one "dropped" notice
        Assert.Equal(10_000, fastSeen);
        Assert.Equal(0, fast.TakeDropped());
        Assert.Equal(10_000 - SecurityEventFeed.FollowerQueue, feed.Dropped);
    }

    [Fact]
    public void Since_OlderThanTheRing_ReportsTheGapAndReplaysWhatIsHeld()
    {
        var feed = new SecurityEventFeed();
        for (var i = 0; i < SecurityEventFeed.Capacity + 500; i++)
        {
            feed.Emit(Event(i));
        }

        var (events, missed) = feed.Since(100);

        Assert.Equal(400, missed); // ids 101-500 are gone: the ring holds 501-2500
        Assert.Equal(SecurityEventFeed.Capacity, events.Count);
        Assert.Equal(501, events[0].Id);
        Assert.Equal("connection_refused", events[0].Event);
        Assert.Equal("203.0.113.101", events[0].Remote); // id 501 is the 501st event
        var (recent, none) = feed.Since(SecurityEventFeed.Capacity + 490);
        Assert.Equal(0, none);
        Assert.Equal(10, recent.Count);
    }

    [Fact]
    public void Since_AnIdNewerThanAnyEvent_IsAGapOfUnknownSizeAndReplaysEverythingHeld()
    {
        // A browser reconnecting after a server restart sends an id of the old process.
        var feed = new SecurityEventFeed();
        feed.Emit(Event(0));
        feed.Emit(Event(1));

        var (events, missed) = feed.Since(5_000);

        Assert.Equal(-1, missed);
        Assert.Equal([1L, 2L], events.Select(e => e.Id));
    }

    [Fact]
    public void Emit_OtherCategories_AreNotSecurityEvents()
    {
        var feed = new SecurityEventFeed();
        using var follower = feed.Follow();

        feed.Emit(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, Template,
            [new LogEventProperty("SourceContext", new ScalarValue("Microsoft.Hosting.Lifetime"))]));

        Assert.Equal(0, follower.Queue.Reader.Count);
        Assert.Empty(feed.Since(0).Events);
    }

    private static LogEvent Event(int i) => new(DateTimeOffset.UtcNow, LogEventLevel.Warning, null, Template,
    [
        new LogEventProperty("SourceContext", new ScalarValue(SecurityLog.CategoryName)),
        new LogEventProperty("Remote", new ScalarValue("203.0.113." + (1 + (i % 200)))),
        new LogEventProperty("Reason", new ScalarValue("ip_blocked")),
    ]);
}
