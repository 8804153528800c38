using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using P2PSecurity.Core.Editing;
using P2PSecurity.LoadGen.Arms;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>
/// The dashboard's nodes page with 100,000 allowed keys (issue 12: server time per page at most 50 ms). The node
/// server runs in a process of its own with the dashboard on; this process asks for pages over loopback and times
/// each from request to the last byte (an upper bound of the server's time). Kinds of page: the HTML page at a random
/// page number, a search by label, a search by part of a key, and the JSON API's page; then the first page after a
/// change (the sorted lists are rebuilt once per policy revision).
/// </summary>
internal static class NodesPageFigure
{
    public const int Keys = 100_000;

    public const int Labelled = 1_000;

    public const double TargetMs = 50;

    public static async Task<int> RunAsync(int requests, string? markdown, CancellationToken ct)
    {
        var port = FreePort.Next();
        var keys = NewKeys();
        using var folder = BenchFolder.Create("nodes-page", Policy(keys, port));
        await using var server = await folder.Arm("nodes-page", ArmKind.Node).StartAsync(isolated: true, ct).ConfigureAwait(false);
        var token = (await File.ReadAllTextAsync(Path.Combine(folder.Path, "dashboard.token"), ct).ConfigureAwait(false)).Trim();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var random = new Random(12);
        var pages = (Keys + 49) / 50;
        var rows = new List<(string Name, List<double> Ms)>
        {
            ("HTML page, random page number", await TimeAsync(http, () => $"/nodes?page={random.Next(1, pages + 1)}", requests, ct).ConfigureAwait(false)),
            ("HTML page, search by label", await TimeAsync(http, () => $"/nodes?q=peer-{random.Next(Labelled):D4}", requests, ct).ConfigureAwait(false)),
            ("HTML page, search by part of a key", await TimeAsync(http, () => $"/nodes?q={keys[random.Next(Keys)][10..18]}", requests, ct).ConfigureAwait(false)),
            ("JSON /api/v1/nodes, 50 a page", await TimeAsync(http, () => $"/api/v1/nodes?size=50&page={random.Next(1, pages + 1)}", requests, ct).ConfigureAwait(false)),
        };
        // After a change: each add is a new revision, so its first page sorts the 100,000 keys again.
        var first = new List<double>();
        var adds = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var added = await http.PostAsJsonAsync(new Uri("/api/v1/nodes/allowed", UriKind.Relative), new { key = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray()) }, ct).ConfigureAwait(false))
            {
                added.EnsureSuccessStatusCode();
            }
            adds.Add(clock.Elapsed.TotalMilliseconds);
            first.AddRange(await TimeAsync(http, () => "/nodes", 1, ct, warmup: 0).ConfigureAwait(false));
        }
        rows.Add(("HTML page, first after a change (lists sorted again)", first));
        rows.Add(("add a key through the API (edit, reload)", adds));

        var report = Render(rows, requests);
        Console.WriteLine(report);
        if (markdown is not null)
        {
            await File.WriteAllTextAsync(markdown, report, ct).ConfigureAwait(false);
        }
        return rows.Take(4).All(r => Percentile(r.Ms, 0.95) <= TargetMs) ? 0 : 1;
    }

    private static async Task<List<double>> TimeAsync(HttpClient http, Func<string> path, int count, CancellationToken ct, int warmup = 20)
    {
        var times = new List<double>(count);
        for (var i = -warmup; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(new Uri(path(), UriKind.Relative), ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            var ms = clock.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode || body.Length == 0)
            {
                throw new InvalidOperationException($"{path()} answered {(int)response.StatusCode}");
            }
            if (i >= 0)
            {
                times.Add(ms);
            }
        }
        return times;
    }

    private static string Render(List<(string Name, List<double> Ms)> rows, int requests)
    {
        var b = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"#### Nodes page with {Keys:N0} allowed keys ({Labelled:N0} labelled), {requests} requests of each kind after 20 unrecorded")
            .AppendLine()
            .AppendLine("| request | median ms | p95 ms | max ms | target |")
            .AppendLine("|---|---:|---:|---:|---|");
        foreach (var (name, ms) in rows)
        {
            var target = rows.IndexOf((name, ms)) < 4 ? (Percentile(ms, 0.95) <= TargetMs ? "p95 ≤ 50 ms: met" : "p95 ≤ 50 ms: MISSED") : "none";
            b.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Percentile(ms, 0.5):0.0} | {Percentile(ms, 0.95):0.0} | {ms.Max():0.0} | {target} |");
        }
        return b.ToString();
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
    }

    private static List<string> NewKeys()
    {
        var random = new Random(20_261_201);
        var bytes = new byte[32];
        var keys = new List<string>(Keys);
        for (var i = 0; i < Keys; i++)
        {
            random.NextBytes(bytes);
            keys.Add(Convert.ToHexStringLower(bytes));
        }
        return keys;
    }

    private static string Policy(List<string> keys, int port)
    {
        var b = new StringBuilder(8 * 1024 * 1024)
            .Append(CultureInfo.InvariantCulture, $"DASHBOARD_ADDRESS=127.0.0.1:{port}\nNODE_IDENTITY_FILE=node_identity.pem\nLOG_SECURITY_EVENTS=true\nSECURITY_LOG_FILE=security.log\n");
        for (var i = 0; i < Labelled; i++)
        {
            b.Append(EntryLabels.Format(keys[i], string.Create(CultureInfo.InvariantCulture, $"peer-{i:D4}"))).Append('\n');
        }
        b.Append("ALLOWED_NODE_KEYS=\"\n");
        foreach (var key in keys)
        {
            b.Append(key).Append('\n');
        }
        return b.Append("\"\n").ToString();
    }
}
