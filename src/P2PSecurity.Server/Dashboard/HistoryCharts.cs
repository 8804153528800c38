using System.Globalization;
using System.Text;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The Overview's two charts as inline SVG (no script, no style attribute: the pages' Content-Security-Policy allows
/// neither inline), one polyline per series over the last hour.
/// </summary>
internal static class HistoryCharts
{
    private const int Width = 720;
    private const int Height = 120;

    public static string Render(IReadOnlyList<HistorySample> samples)
    {
        var b = new StringBuilder("<h2>Last hour</h2>");
        if (samples.Count < 2)
        {
            return b.Append(CultureInfo.InvariantCulture, $"<p id=\"charts\">The charts fill in as the server runs: one point every {DashboardHistory.Interval.TotalSeconds:0} s.</p>").ToString();
        }
        Chart(b, "chart-connections", "Live connections",
            [("inbound", "#2f6fdf", samples.Select(s => (double)s.Inbound).ToList()), ("outbound", "#2a9d55", samples.Select(s => (double)s.Outbound).ToList())]);
        Chart(b, "chart-refusals", $"Refusals per {DashboardHistory.Interval.TotalSeconds:0} s",
            [("refusals", "#c0392b", samples.Select(s => (double)s.Refusals).ToList())]);
        return b.Append(CultureInfo.InvariantCulture, $"<p>{samples.Count} samples from {samples[0].At:HH:mm:ss} to {samples[^1].At:HH:mm:ss} UTC</p>").ToString();
    }

    private static void Chart(StringBuilder b, string id, string title, (string Name, string Color, List<double> Values)[] series)
    {
        var max = Math.Max(1, series.Max(s => s.Values.Max()));
        b.Append(CultureInfo.InvariantCulture, $"<figure><figcaption>{Html.E(title)}: now ");
        b.Append(string.Join(", ", series.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Values[^1]:0} {s.Name}"))));
        b.Append(CultureInfo.InvariantCulture, $", highest {max:0}</figcaption><svg id=\"{id}\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Html.E(title)}\">");
        b.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\" stroke=\"#d8dde6\"/>");
        foreach (var (name, color, values) in series)
        {
            b.Append(CultureInfo.InvariantCulture, $"<polyline class=\"{Html.E(name)}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"");
            var step = values.Count > 1 ? (double)Width / (DashboardHistory.Capacity - 1) : 0;
            var x0 = Width - ((values.Count - 1) * step); // the newest point at the right edge
            for (var i = 0; i < values.Count; i++)
            {
                b.Append(CultureInfo.InvariantCulture, $"{x0 + (i * step):0.#},{Height - 4 - ((Height - 8) * values[i] / max):0.#} ");
            }
            b.Append("\"/>");
        }
        b.Append("</svg></figure>");
    }
}
