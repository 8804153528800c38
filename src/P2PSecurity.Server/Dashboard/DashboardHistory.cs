using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The last hour of the Overview's charts: every <see cref="Interval"/>, the live connections (inbound, outbound)
/// and the refusals since the sample before, read from the counters the metrics export (<see cref="SecurityManager"/>'s
/// refusal counts and live connections). Read directly, not through a <c>MeterListener</c>: a listener would turn
/// the instruments on for every decision while METRICS_ADDRESS is off. At most <see cref="Capacity"/> samples.
/// </summary>
internal sealed class DashboardHistory : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    public const int Capacity = 360; // one hour

    private readonly Func<(int Inbound, int Outbound, long Refusals)> _read;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Queue<HistorySample> _samples = new();
    private readonly ITimer _timer;
    private long _lastRefusals;

    public DashboardHistory(TimeProvider time, Func<(int Inbound, int Outbound, long Refusals)> read)
    {
        _time = time;
        _read = read;
        _lastRefusals = read().Refusals;
        _timer = time.CreateTimer(_ => Take(), null, Interval, Interval);
    }

    public static DashboardHistory For(SecurityManager manager, TimeProvider time) => new(time, () =>
    {
        var live = manager.LiveConnections;
        var outbound = live.Count(s => s.Outbound);
        return (live.Count - outbound, outbound, manager.RefusalCounts.Values.Sum());
    });

    /// <summary>The samples, oldest first.</summary>
    public IReadOnlyList<HistorySample> Samples()
    {
        lock (_gate)
        {
            return [.. _samples];
        }
    }

    private void Take()
    {
        var (inbound, outbound, refusals) = _read();
        lock (_gate)
        {
            _samples.Enqueue(new HistorySample(_time.GetUtcNow(), inbound, outbound, Math.Max(0, refusals - _lastRefusals)));
            _lastRefusals = refusals;
            while (_samples.Count > Capacity)
            {
                _samples.Dequeue();
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}

/// <summary>One point of the Overview's charts.</summary>
internal sealed record HistorySample(DateTimeOffset At, int Inbound, int Outbound, long Refusals);
