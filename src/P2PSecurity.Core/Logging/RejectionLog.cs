using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Logging;

/// <summary>
/// Writes rejections to the security log with a bound. Per address and window, the first few rejections are logged
/// one line each; the rest are counted and written as one summary line when the window ends
/// (<c>1,234 more rejections from 10.0.0.7 in the last 10 s</c>). A flood of 100,000 connections gives a few lines;
/// a flood from many addresses gives at most <see cref="DetailedTotal"/> lines and <see cref="MaxSummaryLines"/> + 1
/// summaries per window.
/// </summary>
public sealed class RejectionLog : IDisposable
{
    /// <summary>Lines per address per window before counting starts.</summary>
    public const int DetailedPerAddress = 5;

    /// <summary>Lines per window over all addresses before counting starts (a flood from many addresses).</summary>
    public const int DetailedTotal = 100;

    /// <summary>Summary lines per window for single addresses (the busiest); the rest share one line.</summary>
    public const int MaxSummaryLines = 100;

    /// <summary>Addresses tracked per window; beyond that, counts go to the shared "other addresses" entry.</summary>
    public const int MaxTrackedAddresses = 10_000;

    private const string OtherAddresses = "other addresses";

    private readonly ILogger _logger;
    private readonly TimeSpan _window;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();

    // Keyed by the 128-bit address (IPv4 and IPv4-mapped alike), so that counting a refusal formats nothing.
    private Dictionary<UInt128, Counter> _counters = [];
    private Counter _others = new();
    private int _detailedThisWindow;

    public RejectionLog(ILogger logger, TimeProvider time, TimeSpan? window = null)
    {
        _logger = logger;
        _window = window ?? TimeSpan.FromSeconds(10);
        _timer = time.CreateTimer(_ => Flush(), null, _window, _window);
    }

    /// <summary>Records one rejection; writes a line for it unless this window's quota is spent.</summary>
    public void Refused(IPAddress remote, string? node, DenyReason reason) => Refused(remote, node, null, reason);

    /// <summary>As above, with the node key formatted (short form) only when a line is written.</summary>
    internal void RefusedWithKey(IPAddress remote, NodeKey? node, DenyReason reason, string? description = null) => Refused(remote, null, node, reason, description);

    private void Refused(IPAddress remote, string? nodeText, NodeKey? node, DenyReason reason, string? description = null)
    {
        var key = IpAddressKey.From(remote);
        bool detailed;
        lock (_lock)
        {
            if (!_counters.TryGetValue(key, out var counter))
            {
                counter = _counters.Count < MaxTrackedAddresses ? _counters[key] = new Counter() : _others;
            }
            detailed = counter.Logged < DetailedPerAddress && _detailedThisWindow < DetailedTotal && counter != _others;
            if (detailed)
            {
                counter.Logged++;
                _detailedThisWindow++;
            }
            else
            {
                counter.Count(reason);
            }
        }
        if (detailed)
        {
            SecurityLog.Refused(_logger, IpAddressKey.ToAddress(key).ToString(), nodeText ?? node?.ToShortString() ?? "-", reason.Code(), description ?? reason.Describe());
        }
    }

    /// <summary>
    /// Ends the window: one summary line for each of the busiest addresses that had rejections counted, not logged,
    /// and one line for all the others.
    /// </summary>
    public void Flush()
    {
        Dictionary<UInt128, Counter> ended;
        Counter others;
        lock (_lock)
        {
            ended = _counters;
            others = _others;
            _counters = [];
            _others = new Counter();
            _detailedThisWindow = 0;
        }
        var busiest = ended.Where(e => e.Value.Suppressed > 0).OrderByDescending(e => e.Value.Suppressed).ToList();
        foreach (var (key, counter) in busiest.Take(MaxSummaryLines))
        {
            Summarize(IpAddressKey.ToAddress(key).ToString(), counter);
        }
        foreach (var (_, counter) in busiest.Skip(MaxSummaryLines))
        {
            others.Add(counter);
        }
        if (others.Suppressed > 0)
        {
            Summarize(OtherAddresses, others);
        }
    }

    private void Summarize(string remote, Counter counter)
    {
        var reasons = string.Join(", ", counter.Reasons.OrderByDescending(r => r.Value)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key.Code()}: {r.Value:N0}")));
        SecurityLog.RejectionsSummarized(_logger, counter.Suppressed.ToString("N0", CultureInfo.InvariantCulture), remote, (int)_window.TotalSeconds, reasons);
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }

    private sealed class Counter
    {
        public int Logged;

        public long Suppressed { get; private set; }

        public Dictionary<DenyReason, long> Reasons { get; } = [];

        public void Count(DenyReason reason)
        {
            Suppressed++;
            Reasons[reason] = Reasons.GetValueOrDefault(reason) + 1;
        }

        public void Add(Counter other)
        {
            Suppressed += other.Suppressed;
            foreach (var (reason, n) in other.Reasons)
            {
                Reasons[reason] = Reasons.GetValueOrDefault(reason) + n;
            }
        }
    }
}
