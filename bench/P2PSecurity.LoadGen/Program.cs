using System.Globalization;
using P2PSecurity.LoadGen;
using P2PSecurity.LoadGen.Arms;
using P2PSecurity.LoadGen.Figures;
using P2PSecurity.LoadGen.Measure;

// The node server's load generator and benchmark harness (docs/BENCHMARKS.md, "Node server"). Every figure runs
// its subject and its baseline side by side, in interleaved rounds, and reports the median ratio.
if (args is ["serve", ..])
{
    return await RunServeAsync(args[1..]);
}
if (args is ["nodes-page", ..])
{
    // Not a side-by-side figure: response times of one server's dashboard (issue 12).
    if (!NodesPageArguments.TryParse(args[1..], out var nodes, out var nodesError))
    {
        await Console.Error.WriteLineAsync($"p2psecurity-loadgen nodes-page: {nodesError}\n{LoadGenArguments.Usage}");
        return 2;
    }
    return await NodesPageFigure.RunAsync(nodes.Requests, nodes.Keys, nodes.Changes, nodes.Markdown, CancellationToken.None);
}
if (args is [] or ["-h" or "--help" or "help"])
{
    Console.WriteLine(LoadGenArguments.Usage);
    return args.Length == 0 ? 2 : 0;
}
if (!LoadGenArguments.TryParse(args, out var settings, out var figures, out var markdown, out var error))
{
    await Console.Error.WriteLineAsync($"p2psecurity-loadgen: {error}\n{LoadGenArguments.Usage}");
    return 2;
}
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var reports = new List<FigureReport>();
foreach (var figure in figures)
{
    var report = figure switch
    {
        "refused" => await RefusedFigure.RunAsync(settings, cancel.Token),
        "refused-reload" => await RefusedDuringReloadFigure.RunAsync(settings, cancel.Token),
        "refused-metrics" => await RefusedWithMetricsFigure.RunAsync(settings, cancel.Token),
        "refused-events" => await RefusedWithFollowersFigure.RunAsync(settings, cancel.Token),
        "handshakes" => await HandshakeFigure.RunAsync(settings, cancel.Token),
        "messages" => await MessageFigure.RunAsync(settings, cancel.Token),
        _ => await MemoryFigure.RunAsync(settings, cancel.Token),
    };
    reports.Add(report);
    Console.WriteLine();
    Console.WriteLine(MarkdownReport.Render(report));
}
if (markdown is not null)
{
    await File.WriteAllTextAsync(markdown, string.Join('\n', reports.Select(MarkdownReport.Render)));
}
return reports.TrueForAll(r => r.Consistent) ? reports.TrueForAll(r => r.Passed) ? 0 : 1 : 3;

static async Task<int> RunServeAsync(string[] args)
{
    string? kind = null, folder = null;
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        (kind, folder) = args[i] switch
        {
            "--kind" => (args[i + 1], folder),
            "--folder" => (kind, args[i + 1]),
            _ => (kind, folder),
        };
    }
    if (kind is null || folder is null || !ArmSpec.TryParseKind(kind, out var armKind))
    {
        await Console.Error.WriteLineAsync("usage: p2psecurity-loadgen serve --kind node|bare-close|bare-tls --folder DIR");
        return 2;
    }
    return await ServeCommand.RunAsync(new ArmSpec(string.Create(CultureInfo.InvariantCulture, $"{kind} server"), armKind, folder));
}
