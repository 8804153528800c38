using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Server.Dashboard;

namespace P2PSecurity.Server.Tests.Dashboard;

public sealed partial class DashboardHistoryTests
{
    [Fact]
    public void Samples_EveryTenSeconds_HoldConnectionsAndTheRefusalsSinceTheSampleBefore()
    {
        var time = new FakeTimeProvider();
        var now = (Inbound: 3, Outbound: 1, Refusals: 100L);
        using var history = new DashboardHistory(time, () => now);

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(history.Samples());
        now = (5, 1, 130);
        time.Advance(TimeSpan.FromSeconds(1));
        now = (2, 0, 131);
        time.Advance(TimeSpan.FromSeconds(10));

        var samples = history.Samples();
        Assert.Equal(2, samples.Count);
        Assert.Equal((5, 1, 30L), (samples[0].Inbound, samples[0].Outbound, samples[0].Refusals));
        Assert.Equal((2, 0, 1L), (samples[1].Inbound, samples[1].Outbound, samples[1].Refusals));
    }

    [Fact]
    public void Samples_AfterMoreThanAnHour_KeepOnlyTheLastHour()
    {
        var time = new FakeTimeProvider();
        var refusals = 0L;
        using var history = new DashboardHistory(time, () => (1, 0, refusals += 2));

        for (var i = 0; i < DashboardHistory.Capacity + 40; i++)
        {
            time.Advance(DashboardHistory.Interval);
        }

        var samples = history.Samples();
        Assert.Equal(DashboardHistory.Capacity, samples.Count);
        Assert.Equal(time.GetUtcNow(), samples[^1].At);
        Assert.All(samples, s => Assert.Equal(2, s.Refusals));
    }

    [Fact]
    public void Render_Samples_DrawsOnePolylinePerSeriesWithoutInlineStyle()
    {
        var at = DateTimeOffset.UnixEpoch;
        var samples = Enumerable.Range(0, 30).Select(i => new HistorySample(at.AddSeconds(10 * i), i, 1, i % 5)).ToList();

        var html = HistoryCharts.Render(samples);

        Assert.Equal(3, Polyline().Count(html));
        Assert.All(Polyline().Matches(html), m => Assert.Equal(30, m.Groups[1].Value.Trim().Split(' ').Length));
        Assert.Contains("now 29 inbound, 1 outbound, highest 29", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.Contains("fill in as the server runs", HistoryCharts.Render([]), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"<polyline [^>]*points=""([^""]*)""")]
    private static partial Regex Polyline();
}
