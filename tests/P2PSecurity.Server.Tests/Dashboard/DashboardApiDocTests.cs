using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Dashboard;

/// <summary>docs/API.md against the real program: every endpoint in its table answers as documented, and the events stream resumes with a gap shown.</summary>
public sealed partial class DashboardApiDocTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiDoc_EveryEndpointInTheTable_AnswersOkWithJson()
    {
        var key = new string('e', 64);
        await using var server = await DashboardServer.StartAsync(_folder, $"CONTROL_SOCKET=ctl.sock\nALLOWED_NODE_KEYS={new string('f', 64)}\n");
        File.SetUnixFileMode(_folder.EnvPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var api = server.BearerClient();
        var policyText = JsonDocument.Parse(await api.GetStringAsync(new Uri("/api/v1/policy", UriKind.Relative), Ct)).RootElement.GetProperty("text").GetString();
        var bodies = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["POST /api/v1/nodes/allowed"] = new { key, label = "doc" },
            ["POST /api/v1/nodes/blocked"] = new { key },
            ["POST /api/v1/pending/{key}/approve"] = new { label = "doc" },
            ["POST /api/v1/addresses/blocked"] = new { target = "203.0.113.0/24" },
            ["POST /api/v1/policy/check"] = new { text = policyText },
            ["POST /api/v1/policy/apply"] = new { text = policyText + "# applied by the doc test\n" },
            ["POST /api/v1/network-key"] = new { key = "doc-test-network-key-0123456789", keep_previous = false },
            ["POST /api/v1/bans"] = new { target = "198.51.100.0/24", duration = "1h", reason = "doc" },
            ["POST /api/v1/lockdown"] = new { on = false },
        };

        var rows = Rows();
        Assert.True(rows.Count >= 23, $"only {rows.Count} endpoints in docs/API.md's table");
        foreach (var (method, path) in rows)
        {
            var url = path.Replace("{key}", key, StringComparison.Ordinal).Replace("{target}", method == "DELETE" && path.Contains("bans", StringComparison.Ordinal) ? "198.51.100.0/24" : "203.0.113.0/24", StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
            if (bodies.TryGetValue($"{method} {path}", out var body))
            {
                request.Content = JsonContent.Create(body);
            }
            else
            {
                Assert.True(method is "GET" or "DELETE" || path.EndsWith("/ignore", StringComparison.Ordinal), $"no body for {method} {path}");
            }
            using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
            var type = response.Content.Headers.ContentType?.MediaType;
            if (path == "/api/v1/events")
            {
                Assert.Equal("text/event-stream", type);
                continue;
            }
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {url}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/json", type);
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("ok").GetBoolean(), $"{method} {url}: {text}");
            if (method != "GET")
            {
                Assert.True(JsonDocument.Parse(text).RootElement.TryGetProperty("revision", out _), $"{method} {url} has no revision: {text}");
            }
        }
    }

    [Fact]
    public async Task Events_LastEventId_ResumesAfterIt_AndAnIdFromBeforeARestartIsShownAsAGap()
    {
        await using var server = await DashboardServer.StartAsync(_folder, "CONTROL_SOCKET=ctl.sock\n");
        using var stranger = server.Client();
        for (var i = 0; i < 3; i++)
        {
            stranger.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "wrong-" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync(new Uri("/api/v1/status", UriKind.Relative), Ct)).StatusCode);
        }
        using var api = server.BearerClient();

        var all = await ReadEventsAsync(api, null, e => e.Count(x => x.Name == "security" && x.Data.Contains("bad_bearer_token", StringComparison.Ordinal)) >= 3);
        var failures = all.Where(e => e.Data.Contains("bad_bearer_token", StringComparison.Ordinal)).ToList();
        var resumed = await ReadEventsAsync(api, failures[0].Id, e => e.Count(x => x.Name == "security") >= 2);
        var restarted = await ReadEventsAsync(api, 1_000_000, e => e.Any(x => x.Name == "gap") && e.Any(x => x.Name == "security"));

        Assert.Equal(failures.Skip(1).Select(e => e.Id), resumed.Where(e => e.Name == "security").Take(2).Select(e => e.Id));
        Assert.DoesNotContain(resumed, e => e.Name == "gap");
        var gap = restarted.First(e => e.Name == "gap");
        Assert.Equal("{\"missed\":-1}", gap.Data);
        Assert.Equal(all.First(e => e.Name == "security").Id, restarted.First(e => e.Name == "security").Id);
    }

    private static async Task<List<(string Name, long? Id, string Data)>> ReadEventsAsync(HttpClient api, long? lastEventId, Func<List<(string Name, long? Id, string Data)>, bool> enough)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/events", UriKind.Relative));
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(20));
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(limit.Token));
        var events = new List<(string, long?, string)>();
        string? name = null;
        long? eventId = null;
        while (await reader.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                eventId = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((name!, eventId, line[6..]));
                (name, eventId) = (null, null);
                if (enough(events))
                {
                    return events;
                }
            }
        }
        return events;
    }

    /// <summary>The (method, path) rows of docs/API.md's endpoint table.</summary>
    private static List<(string Method, string Path)> Rows()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "API.md")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var text = File.ReadAllText(Path.Combine(dir.FullName, "docs", "API.md"));
        return [.. Row().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value))];
    }

    [GeneratedRegex(@"(?m)^\| (GET|POST|DELETE) \| `(/api/v1/[^`]*)` \|")]
    private static partial Regex Row();

    public void Dispose() => _folder.Dispose();
}
