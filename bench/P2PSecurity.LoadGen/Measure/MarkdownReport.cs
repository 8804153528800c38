using System.Globalization;
using System.Text;

namespace P2PSecurity.LoadGen.Measure;

/// <summary>Writes figures as Markdown, round by round, for docs/BENCHMARKS.md.</summary>
internal static class MarkdownReport
{
    public static string Render(FigureReport figure)
    {
        var text = new StringBuilder();
        void Line(FormattableString s) => text.AppendLine(s.ToString(CultureInfo.InvariantCulture));
        Line($"#### {figure.Title}");
        text.AppendLine();
        Line($"- Subject: {figure.Subject}");
        Line($"- Baseline: {figure.Baseline}");
        Line($"- Load: {figure.Load}");
        text.AppendLine();
        var secondary = figure.SecondaryUnit;
        Line($"| round | order | baseline {figure.Unit} | subject {figure.Unit} | ratio |{(secondary is null ? "" : $" baseline {secondary} | subject {secondary} |")}");
        text.AppendLine(secondary is null ? "|---|---|---:|---:|---:|" : "|---|---|---:|---:|---:|---:|---:|");
        foreach (var p in figure.Pairs)
        {
            Line($"| {p.Round} | {p.Order} | {p.BaselineValue:N0} | {p.SubjectValue:N0} | {p.Ratio:0.000} |{Secondary(p.BaselineSecondary, p.SubjectSecondary, secondary)}");
        }
        Line($"| **median** | | **{figure.MedianBaseline:N0}** | **{figure.MedianSubject:N0}** | **{figure.MedianRatio:0.000}** |{Secondary(figure.MedianBaselineSecondary, figure.MedianSubjectSecondary, secondary)}");
        text.AppendLine();
        if (figure.Target is { } target)
        {
            Line($"Median ratio {figure.MedianRatio:0.000}, target ≥ {target:0.0#}: **{(figure.Passed ? "met" : "MISSED")}**.");
        }
        Line($"Methods the servers' JIT compiled during the recorded rounds: baseline {figure.Pairs.Sum(p => p.BaselineJitMethods):N0}, subject {figure.Pairs.Sum(p => p.SubjectJitMethods):N0}.");
        foreach (var note in figure.Notes)
        {
            text.AppendLine(note);
        }
        text.AppendLine(figure.Consistent
            ? "Checks: every operation succeeded and the server's counters match the load's."
            : "Checks FAILED:\n" + string.Join('\n', figure.Problems.Select(p => "- " + p)));
        return text.ToString();
    }

    private static string Secondary(double? baseline, double? subject, string? unit) => unit is null
        ? ""
        : string.Create(CultureInfo.InvariantCulture, $" {baseline:N1} | {subject:N1} |");
}
