using System.Threading.Channels;
using P2PSecurity.Core.Logging;
using Serilog.Core;
using Serilog.Events;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The security log, live, for the dashboard's events page: a Serilog sink that keeps the last
/// <see cref="Capacity"/> events (ids rising by one) and hands each new one to every follower through a bounded
/// queue. A follower that does not keep up loses events, counted and reported to it, and never makes the server
/// buffer without bound or wait: the log call is on the deciding thread.
/// </summary>
public sealed class SecurityEventFeed : ILogEventSink
{
    public const int Capacity = 2000;

    /// <summary>Events queued for one follower before newer ones are dropped for it.</summary>
    public const int FollowerQueue = 256;

    private readonly Lock _gate = new();
    private readonly SecurityEvent?[] _ring = new SecurityEvent?[Capacity];
    private readonly List<Follower> _followers = [];
    private long _nextId = 1;

    /// <summary>Events dropped for followers that were too slow, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private long _dropped;

    public void Emit(LogEvent logEvent)
    {
        if (!logEvent.Properties.TryGetValue("SourceContext", out var source) || source is not ScalarValue { Value: SecurityLog.CategoryName })
        {
            return;
        }
        var message = logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture);
        var name = message.Split(' ', 2)[0];
        Follower[] followers;
        SecurityEvent e;
        lock (_gate)
        {
            e = new SecurityEvent(_nextId++, logEvent.Timestamp, logEvent.Level.ToString(), name, message,
                Text(logEvent, "Remote"), Text(logEvent, "Node"), Text(logEvent, "Reason"));
            _ring[e.Id % Capacity] = e;
            followers = [.. _followers];
        }
        foreach (var f in followers)
        {
            if (!f.Queue.Writer.TryWrite(e))
            {
                Interlocked.Increment(ref f.DroppedCount);
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    /// <summary>
    /// The events after <paramref name="afterId"/> still held, and how many between were already forgotten; -1 when
    /// <paramref name="afterId"/> is newer than any event (ids restart at 1 with the server: a browser reconnecting
    /// after a restart has an id of the old process), and then every event held.
    /// </summary>
    internal (IReadOnlyList<SecurityEvent> Events, long Missed) Since(long afterId)
    {
        lock (_gate)
        {
            var newest = _nextId - 1;
            if (afterId > newest)
            {
                var (all, _) = SinceLocked(0, newest);
                return (all, -1);
            }
            return SinceLocked(afterId, newest);
        }
    }

    private (IReadOnlyList<SecurityEvent> Events, long Missed) SinceLocked(long afterId, long newest)
    {
        var oldest = Math.Max(1, newest - Capacity + 1);
        var from = Math.Max(afterId + 1, oldest);
        var missed = afterId > 0 && afterId + 1 < oldest ? oldest - afterId - 1 : 0;
        var list = new List<SecurityEvent>();
        for (var id = from; id <= newest; id++)
        {
            list.Add(_ring[id % Capacity]!);
        }
        return (list, missed);
    }

    /// <summary>Starts following: events from now on go to the returned follower's queue until it is disposed.</summary>
    internal Follower Follow()
    {
        var follower = new Follower(this);
        lock (_gate)
        {
            _followers.Add(follower);
        }
        return follower;
    }

    private void Remove(Follower follower)
    {
        lock (_gate)
        {
            _followers.Remove(follower);
        }
    }

    private static string? Text(LogEvent e, string name) =>
        e.Properties.TryGetValue(name, out var v) && v is ScalarValue { Value: { } value } ? value.ToString() : null;

    internal sealed class Follower(SecurityEventFeed feed) : IDisposable
    {
        public readonly Channel<SecurityEvent> Queue = Channel.CreateBounded<SecurityEvent>(new BoundedChannelOptions(FollowerQueue)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once, and the sink counts the drop
            SingleReader = true,
        });

        public long DroppedCount;

        public long TakeDropped() => Interlocked.Exchange(ref DroppedCount, 0);

        public void Dispose() => feed.Remove(this);
    }
}
