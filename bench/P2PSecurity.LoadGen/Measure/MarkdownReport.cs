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
        Line($"Unit: {figure.Unit}{(secondary is null ? "" : $"; in brackets: {secondary}")}. Each subject round ran between the two baseline rounds on its row; its ratio is to their mean.");
        text.AppendLine();
        text.AppendLine("| round | baseline before | subject | baseline after | ratio |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var p in figure.Pairs)
        {
            Line($"| {p.Round} | {Cell(p.Before)} | {Cell(p.Subject)} | {Cell(p.After)} | {p.Ratio:0.000} |");
        }
        Line($"| **median** | **{figure.MedianBaseline:N0}**{Bracket(figure.MedianBaselineSecondary)} | **{figure.MedianSubject:N0}**{Bracket(figure.MedianSubjectSecondary)} | | **{figure.MedianRatio:0.000}** |");
        text.AppendLine();
        var (q1, q3) = figure.RatioQuartiles;
        if (figure.Target is { } target)
        {
            var verdict = !figure.Consistent ? "not valid, a check failed" : figure.Passed ? "met" : "MISSED";
            Line($"Median ratio {figure.MedianRatio:0.000} (middle half of the rounds {q1:0.000}-{q3:0.000}), target ≥ {target:0.0#}: **{verdict}**.");
        }
        else
        {
            Line($"Median ratio {figure.MedianRatio:0.000} (middle half of the rounds {q1:0.000}-{q3:0.000}).");
        }
        if (figure.MedianAllocatedPerOp is { } allocated)
        {
            Line($"Server allocation per operation (median of the rounds): baseline {allocated.Baseline:N0} bytes, subject {allocated.Subject:N0} bytes.");
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

    private static string Cell(RoundOutcome outcome) => string.Create(CultureInfo.InvariantCulture, $"{outcome.Value:N0}") + Bracket(outcome.Secondary);

    private static string Bracket(double? secondary) => secondary is { } v ? string.Create(CultureInfo.InvariantCulture, $" ({v:N1})") : "";
}
