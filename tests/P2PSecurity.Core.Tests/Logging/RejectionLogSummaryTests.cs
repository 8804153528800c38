using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Logging;

/// <summary>
/// Summaries are bounded per window whatever the number of addresses (found by the flood harness with
/// <c>--sources 5000</c>, docs/RELIABILITY.md: one summary line per address made 10,200 lines in 12 s).
/// </summary>
public sealed partial class RejectionLogSummaryTests
{
    [Fact]
    public void Flush_RejectionsFromManyAddresses_WritesTheBusiestAddressesAndOneLineForTheRest()
    {
        var logger = new LinesLogger();
        using var log = new RejectionLog(logger, new FakeTimeProvider());
        for (var a = 0; a < 300; a++)
        {
            var address = new IPAddress([127, 66, (byte)(a / 250), (byte)(1 + (a % 250))]);
            for (var i = 0; i < 6 + (a == 7 ? 50 : 0); i++)
            {
                log.Refused(address, null, DenyReason.IpBlocked);
            }
        }
        var detailed = logger.Lines.Count;

        log.Flush();

        var summaries = logger.Lines.Skip(detailed).ToList();
        Assert.Equal(RejectionLog.DetailedTotal, detailed);
        Assert.Equal(RejectionLog.MaxSummaryLines + 1, summaries.Count);
        Assert.Contains("from 127.66.0.8 ", summaries[0], StringComparison.Ordinal); // the busiest address comes first
        Assert.Contains("other addresses", summaries[^1], StringComparison.Ordinal);
        var total = summaries.Sum(l => long.Parse(Count().Match(l).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
        Assert.Equal((300 * 6) + 50 - RejectionLog.DetailedTotal, total); // every rejection is accounted for
    }

    [Fact]
    public void Flush_FewAddresses_OneSummaryEach()
    {
        var logger = new LinesLogger();
        using var log = new RejectionLog(logger, new FakeTimeProvider());
        foreach (var last in new byte[] { 1, 2, 3 })
        {
            for (var i = 0; i < 10; i++)
            {
                log.Refused(new IPAddress([127, 66, 0, last]), null, DenyReason.IpBlocked);
            }
        }

        log.Flush();

        var summaries = logger.Lines.Where(l => l.StartsWith("rejections_summarized", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, summaries.Count);
        Assert.All(summaries, l => Assert.StartsWith("rejections_summarized 5 more", l, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"rejections_summarized ([\d,]+) more")]
    private static partial Regex Count();

    private sealed class LinesLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
