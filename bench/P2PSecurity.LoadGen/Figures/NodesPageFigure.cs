using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using P2PSecurity.Core.Editing;
using P2PSecurity.LoadGen.Arms;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>
/// The dashboard's nodes page with 100,000 allowed keys (issue 12: server time per page at most 50 ms). The node
/// server runs in a process of its own with the dashboard on; this process asks for pages over loopback and times
/// each from request to the last byte (an upper bound of the server's time). Kinds of page: the HTML page at a random
/// page number, a search by label, a search by part of a key, and the JSON API's page; then the first page after a
/// change (the lists are brought up to date once per policy revision). Before and during the timing it checks that
/// the pages show what they should, so a smoke run at a tiny size (<c>--keys 200</c>) catches a broken harness.
/// </summary>
internal static class NodesPageFigure
{
    public const int DefaultKeys = 100_000;

    public const int DefaultLabelled = 1_000;

    public const double TargetMs = 50;

    /// <summary>
    /// Runs the figure: <paramref name="requests"/> timed requests of each kind, then <paramref name="changes"/>
    /// adds, each followed by one timed first page. Exit code as the other figures: 0 targets met, 1 a target
    /// missed, 3 a check failed (a page that does not show what it should).
    /// </summary>
    public static async Task<int> RunAsync(int requests, int keyCount, int changes, string? markdown, CancellationToken ct)
    {
        var port = FreePort.Next();
        var keys = NewKeys(keyCount);
        var labelled = Math.Min(DefaultLabelled, keyCount);
        using var folder = BenchFolder.Create("nodes-page", Policy(keys, labelled, port));
        await using var server = await folder.Arm("nodes-page", ArmKind.Node).StartAsync(isolated: true, ct).ConfigureAwait(false);
        var token = (await File.ReadAllTextAsync(Path.Combine(folder.Path, "dashboard.token"), ct).ConfigureAwait(false)).Trim();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var checks = new Checks();
        await CheckPagesAsync(http, keys, labelled, checks, ct).ConfigureAwait(false);
        var random = new Random(12);
        var pages = (keyCount + 49) / 50;
        var rows = new List<(string Name, List<double> Ms)>
        {
            ("HTML page, random page number", await TimeAsync(http, () => $"/nodes?page={random.Next(1, pages + 1)}", requests, ct).ConfigureAwait(false)),
            ("HTML page, search by label", await TimeAsync(http, () => $"/nodes?q=peer-{random.Next(labelled):D4}", requests, ct).ConfigureAwait(false)),
            ("HTML page, search by part of a key", await TimeAsync(http, () => $"/nodes?q={keys[random.Next(keyCount)][10..18]}", requests, ct).ConfigureAwait(false)),
            ("JSON /api/v1/nodes, 50 a page", await TimeAsync(http, () => $"/api/v1/nodes?size=50&page={random.Next(1, pages + 1)}", requests, ct).ConfigureAwait(false)),
        };
        // After a change: each add is a new revision, whose lists are brought up to date from the last ones.
        var first = new List<double>();
        var adds = new List<double>();
        for (var i = 0; i < changes; i++)
        {
            var key = Convert.ToHexStringLower([.. Guid.NewGuid().ToByteArray(), .. Guid.NewGuid().ToByteArray()]);
            var clock = Stopwatch.StartNew();
            long revision;
            using (var added = await http.PostAsJsonAsync(new Uri("/api/v1/nodes/allowed", UriKind.Relative), new { key }, ct).ConfigureAwait(false))
            {
                added.EnsureSuccessStatusCode();
                using var answer = JsonDocument.Parse(await added.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
                revision = answer.RootElement.GetProperty("revision").GetInt64();
            }
            adds.Add(clock.Elapsed.TotalMilliseconds);
            var (ms, _) = await GetAsync(http, "/nodes", ct).ConfigureAwait(false);
            first.Add(ms);
            var (_, body) = await GetAsync(http, $"/nodes?q={key}", ct).ConfigureAwait(false);
            if (!body.Contains(key, StringComparison.Ordinal) || !body.Contains($"<span id=\"revision\">{revision}</span>", StringComparison.Ordinal))
            {
                checks.Add($"the first page after adding {key[..16]}… (revision {revision}) does not show the key at that revision");
            }
        }
        if (changes > 0)
        {
            rows.Add(("HTML page, first after a change (one key added)", first));
            rows.Add(("add a key through the API (edit, reload)", adds));
        }

        var report = Render(rows, requests, keyCount, labelled, checks.Problems);
        Console.WriteLine(report);
        if (markdown is not null)
        {
            await File.WriteAllTextAsync(markdown, report, ct).ConfigureAwait(false);
        }
        return checks.Problems.Count > 0 ? 3 : rows.Take(4).Select(r => r.Ms).Append(first).All(ms => ms.Count == 0 || Percentile(ms, 0.95) <= TargetMs) ? 0 : 1;
    }

    /// <summary>Before timing: a label search, a key search and the JSON page each show what they should.</summary>
    private static async Task CheckPagesAsync(HttpClient http, List<string> keys, int labelled, Checks checks, CancellationToken ct)
    {
        if (labelled > 0)
        {
            var (_, byLabel) = await GetAsync(http, string.Create(CultureInfo.InvariantCulture, $"/nodes?q=PEER-{labelled - 1:D4}"), ct).ConfigureAwait(false);
            if (!byLabel.Contains(keys[labelled - 1], StringComparison.Ordinal))
            {
                checks.Add($"a search for the label peer-{labelled - 1:D4} does not show its key");
            }
        }
        var (_, byKey) = await GetAsync(http, $"/nodes?q={keys[^1][20..40].ToUpperInvariant()}", ct).ConfigureAwait(false);
        if (!byKey.Contains(keys[^1], StringComparison.Ordinal))
        {
            checks.Add("a search by part of a key does not show that key");
        }
        var (_, json) = await GetAsync(http, "/api/v1/nodes?size=1000", ct).ConfigureAwait(false);
        using var page = JsonDocument.Parse(json);
        var allowed = page.RootElement.GetProperty("allowed");
        var shown = allowed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()!).ToList();
        if (allowed.GetProperty("total").GetInt32() != keys.Count || !shown.SequenceEqual(keys.Order(StringComparer.Ordinal).Take(1000)))
        {
            checks.Add($"/api/v1/nodes does not list the {keys.Count:N0} keys in order");
        }
    }

    private static async Task<(double Ms, string Body)> GetAsync(HttpClient http, string path, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var ms = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode || body.Length == 0)
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
        }
        return (ms, body);
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

    private static string Render(List<(string Name, List<double> Ms)> rows, int requests, int keys, int labelled, IReadOnlyList<string> problems)
    {
        var b = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"#### Nodes page with {keys:N0} allowed keys ({labelled:N0} labelled), {requests} requests of each kind after 20 unrecorded")
            .AppendLine()
            .AppendLine("| request | median ms | p95 ms | max ms | target |")
            .AppendLine("|---|---:|---:|---:|---|");
        for (var i = 0; i < rows.Count; i++)
        {
            var (name, ms) = rows[i];
            var target = i < 5 ? (Percentile(ms, 0.95) <= TargetMs ? "p95 ≤ 50 ms: met" : "p95 ≤ 50 ms: MISSED") : "none";
            b.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Percentile(ms, 0.5):0.0} | {Percentile(ms, 0.95):0.0} | {ms.Max():0.0} | {target} |");
        }
        foreach (var problem in problems)
        {
            b.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"CHECK FAILED: {problem}");
        }
        return b.ToString();
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
    }

    private static List<string> NewKeys(int count)
    {
        var random = new Random(20_261_201);
        var bytes = new byte[32];
        var keys = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(bytes);
            keys.Add(Convert.ToHexStringLower(bytes));
        }
        return keys;
    }

    private static string Policy(List<string> keys, int labelled, int port)
    {
        var b = new StringBuilder(8 * 1024 * 1024)
            .Append(CultureInfo.InvariantCulture, $"DASHBOARD_ADDRESS=127.0.0.1:{port}\nNODE_IDENTITY_FILE=node_identity.pem\nLOG_SECURITY_EVENTS=true\nSECURITY_LOG_FILE=security.log\n");
        for (var i = 0; i < labelled; i++)
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
