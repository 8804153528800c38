using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Logging;

/// <summary>
/// Writes rejections to the security log with a bound. Per address and window, the first few rejections are logged
/// one line each; the rest are counted and written as one summary line when the window ends
/// (<c>1,234 more rejections from 10.0.0.7 in the last 10 s</c>), for the busiest addresses, and one line for the
/// rest. A flood of 100,000 connections, from one address or from thousands, gives a bounded number of lines.
/// </summary>
public sealed class RejectionLog : IDisposable
{
    /// <summary>Lines per address per window before counting starts.</summary>
    public const int DetailedPerAddress = 5;

    /// <summary>Lines per window over all addresses before counting starts (a flood from many addresses).</summary>
    public const int DetailedTotal = 100;

    /// <summary>Summary lines per window, for the addresses with the most rejections; the rest share one more line.</summary>
    public const int MaxSummaryLines = 20;

    /// <summary>Addresses tracked per window; beyond that, counts go to one "other addresses" entry.</summary>
    public const int MaxTrackedAddresses = 10_000;

    private const string OtherAddresses = "(other addresses)";

    private readonly ILogger _logger;
    private readonly TimeSpan _window;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private int _detailedThisWindow;

    public RejectionLog(ILogger logger, TimeProvider time, TimeSpan? window = null)
    {
        _logger = logger;
        _window = window ?? TimeSpan.FromSeconds(10);
        _timer = time.CreateTimer(_ => Flush(), null, _window, _window);
    }

    /// <summary>Records one rejection; writes a line for it unless this window's quota is spent.</summary>
    public void Refused(IPAddress remote, string? node, DenyReason reason)
    {
        var address = remote.ToString();
        bool detailed;
        lock (_gate)
        {
            if (!_counters.TryGetValue(address, out var counter))
            {
                if (_counters.Count >= MaxTrackedAddresses)
                {
                    address = OtherAddresses;
                    counter = _counters.GetValueOrDefault(address);
                }
                if (counter is null)
                {
                    counter = new Counter();
                    _counters[address] = counter;
                }
            }
            detailed = counter.Logged < DetailedPerAddress && _detailedThisWindow < DetailedTotal && address != OtherAddresses;
            if (detailed)
            {
                counter.Logged++;
                _detailedThisWindow++;
            }
            else
            {
                counter.Suppressed++;
                counter.Reasons[reason] = counter.Reasons.GetValueOrDefault(reason) + 1;
            }
        }
        if (detailed)
        {
            SecurityLog.Refused(_logger, address, node ?? "-", reason.Code(), reason.Describe());
        }
    }

    /// <summary>
    /// Ends the window: writes one summary line for each of the <see cref="MaxSummaryLines"/> addresses with the most
    /// rejections counted (not logged), and one line for all the others together. A flood from thousands of addresses
    /// would otherwise write a line per address per window, which is a log flood of its own.
    /// </summary>
    public void Flush()
    {
        Dictionary<string, Counter> ended;
        lock (_gate)
        {
            ended = _counters;
            _counters = new Dictionary<string, Counter>(StringComparer.Ordinal);
            _detailedThisWindow = 0;
        }
        var summarized = ended.Where(e => e.Value.Suppressed > 0).OrderByDescending(e => e.Value.Suppressed).ToList();
        foreach (var (address, counter) in summarized.Take(MaxSummaryLines))
        {
            Summarize(address, counter);
        }
        if (summarized.Count > MaxSummaryLines)
        {
            var rest = new Counter();
            foreach (var (_, counter) in summarized.Skip(MaxSummaryLines))
            {
                rest.Suppressed += counter.Suppressed;
                foreach (var (reason, n) in counter.Reasons)
                {
                    rest.Reasons[reason] = rest.Reasons.GetValueOrDefault(reason) + n;
                }
            }
            var others = summarized.Count - MaxSummaryLines;
            Summarize(string.Create(CultureInfo.InvariantCulture, $"{others:N0} other addresses"), rest);
        }
    }

    private void Summarize(string address, Counter counter)
    {
        var reasons = string.Join(", ", counter.Reasons.OrderByDescending(r => r.Value)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key.Code()}: {r.Value:N0}")));
        SecurityLog.RejectionsSummarized(_logger, counter.Suppressed.ToString("N0", CultureInfo.InvariantCulture), address, (int)_window.TotalSeconds, reasons);
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }

    private sealed class Counter
    {
        public int Logged;
        public long Suppressed;
        public Dictionary<DenyReason, long> Reasons { get; } = [];
    }
}
