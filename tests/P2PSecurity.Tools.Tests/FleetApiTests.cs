using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// The dashboard's JSON API publishing fleet decisions (<c>"fleet":true</c>, <c>?fleet=true</c>) to real server
/// processes sharing one real Redis: the same decision as the tools' <c>--fleet</c>, enforced by every node; a dead
/// Redis or a forged entry changes nothing and is reported.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class FleetApiTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Api_BanAndBlocksWithFleet_EnforcedByEveryNode_ThenLifted_FileAndLocalBansUntouched()
    {
        await using var fleet = await FleetNodes.StartAsync(1);
        var (folderA, serverA) = await fleet.AddNodeAsync("--dashboard", "127.0.0.1:0");
        var fileBefore = await File.ReadAllTextAsync(folderA.EnvPath, Ct);
        using var api = await ApiAsync(folderA, serverA);
        var key = new string('c', 64);

        var ban = await SendAsync(api, HttpMethod.Post, "/api/v1/bans", new { target = "127.0.0.80", duration = "1h", fleet = true });
        var block = await SendAsync(api, HttpMethod.Post, "/api/v1/addresses/blocked", new { target = "127.0.0.81", fleet = true });
        var blockKey = await SendAsync(api, HttpMethod.Post, "/api/v1/nodes/blocked", new { key, fleet = true });
        var allow = await SendAsync(api, HttpMethod.Post, "/api/v1/nodes/allowed", new { key = new string('d', 64), fleet = true });

        foreach (var (answer, published) in new[] { (ban, "ban 127.0.0.80 "), (block, "block 127.0.0.81"), (blockKey, "block " + key), (allow, "allow " + new string('d', 64)) })
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.StartsWith(published, answer.Json.GetProperty("fleet").GetProperty("published").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(answer.Json.GetProperty("fleet").GetProperty("published_id").GetString()));
            Assert.True(answer.Json.TryGetProperty("revision", out _));
        }
        await fleet.WaitEveryNodeAsync("127.0.0.80", refused: true, Bound);
        await fleet.WaitEveryNodeAsync("127.0.0.81", refused: true, Bound);
        Assert.True(await FleetNodes.RefusedBeforeTlsAsync(serverA.EndPoint, "127.0.0.80"));
        Assert.True(await FleetNodes.RefusedBeforeTlsAsync(serverA.EndPoint, "127.0.0.81"));
        var other = await fleet.FleetAsync(fleet.Nodes[0].Folder);
        Assert.Equal(4, other.DecisionsInForce);
        var status = await SendAsync(api, HttpMethod.Get, "/api/v1/fleet", null);
        Assert.Equal(4, status.Json.GetProperty("fleet").GetProperty("decisions_in_force").GetInt32());
        Assert.Equal(other.LastAppliedId, status.Json.GetProperty("fleet").GetProperty("last_applied_id").GetString());
        // A fleet decision is not an edit of this node's file, nor a local ban.
        Assert.Equal(fileBefore, await File.ReadAllTextAsync(folderA.EnvPath, Ct));
        Assert.Equal(0, (await SendAsync(api, HttpMethod.Get, "/api/v1/bans", null)).Json.GetProperty("bans").GetProperty("total").GetInt32());
        Assert.Contains("action=fleet_ban", serverA.Output, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(api, HttpMethod.Delete, "/api/v1/bans/127.0.0.80?fleet=true", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(api, HttpMethod.Delete, "/api/v1/addresses/blocked/127.0.0.81?fleet=true", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(api, HttpMethod.Delete, $"/api/v1/nodes/blocked/{key}?fleet=true", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(api, HttpMethod.Delete, $"/api/v1/nodes/allowed/{new string('d', 64)}?fleet=true", null)).Status);

        await fleet.WaitEveryNodeAsync("127.0.0.80", refused: false, Bound);
        await fleet.WaitEveryNodeAsync("127.0.0.81", refused: false, Bound);
        Assert.False(await FleetNodes.RefusedBeforeTlsAsync(serverA.EndPoint, "127.0.0.81"));
        Assert.Equal(0, (await fleet.FleetAsync(fleet.Nodes[0].Folder)).DecisionsInForce);
    }

    [Fact]
    public async Task Api_FleetDecision_RedisDown_FleetUnavailable_NothingChanged_ForgedEntryCountedNotApplied()
    {
        await using var fleet = await FleetNodes.StartAsync(0);
        var (folder, server) = await fleet.AddNodeAsync("--dashboard", "127.0.0.1:0");
        using var api = await ApiAsync(folder, server);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(api, HttpMethod.Post, "/api/v1/addresses/blocked", new { target = "127.0.0.90", fleet = true })).Status);

        // A forged unblock XADD-ed straight into Redis: counted in the API's status, the block stays.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{fleet.Redis.Port}"))
        {
            await redis.GetDatabase().StreamAddAsync("p2psecurity:fleet:test:decisions", "d", "unblock 127.0.0.90");
        }
        await WaitAsync(async () => (await SendAsync(api, HttpMethod.Get, "/api/v1/fleet", null)).Json.GetProperty("fleet").GetProperty("signatures_rejected").GetInt64() >= 1,
            "the forged entry to be counted");
        Assert.True(await FleetNodes.RefusedBeforeTlsAsync(server.EndPoint, "127.0.0.90"));

        await fleet.Redis.StopAsync();
        await WaitAsync(async () => !(await SendAsync(api, HttpMethod.Get, "/api/v1/fleet", null)).Json.GetProperty("fleet").GetProperty("connected").GetBoolean(),
            "the node to see Redis gone");
        var unblock = await SendAsync(api, HttpMethod.Delete, "/api/v1/addresses/blocked/127.0.0.90?fleet=true", null);
        var ban = await SendAsync(api, HttpMethod.Post, "/api/v1/bans", new { target = "127.0.0.91", fleet = true });

        foreach (var refused in new[] { unblock, ban })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal("fleet_unavailable", refused.Json.GetProperty("error").GetProperty("code").GetString());
            Assert.Contains("not published", refused.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        Assert.True(await FleetNodes.RefusedBeforeTlsAsync(server.EndPoint, "127.0.0.90"));
        Assert.False(await FleetNodes.RefusedBeforeTlsAsync(server.EndPoint, "127.0.0.91"));
        var info = (await SendAsync(api, HttpMethod.Get, "/api/v1/fleet", null)).Json.GetProperty("fleet");
        Assert.Equal(1, info.GetProperty("decisions_in_force").GetInt32());
    }

    [Fact]
    public async Task ApiDoc_EveryRowOfTheFleetTable_PublishesTheDecisionItNames()
    {
        await using var fleet = await FleetNodes.StartAsync(0);
        var (folder, server) = await fleet.AddNodeAsync("--dashboard", "127.0.0.1:0");
        using var api = await ApiAsync(folder, server);
        var key = new string('b', 64);
        var rows = FleetRows();
        Assert.True(rows.Count >= 8, $"only {rows.Count} rows in docs/API.md's fleet table");

        foreach (var (method, path, body, action) in rows)
        {
            var target = path.Contains("/nodes/", StringComparison.Ordinal) ? key : "127.0.0.140";
            var url = path.Replace("{key}", key, StringComparison.Ordinal).Replace("{target}", target, StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
            if (body.Length > 0)
            {
                request.Content = new StringContent(body.Replace("…", JsonSerializer.Serialize(target), StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");
            }
            using var response = await api.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {url}: {(int)response.StatusCode} {text}");
            var json = JsonDocument.Parse(text).RootElement;
            var published = json.GetProperty("fleet").GetProperty("published").GetString()!;
            Assert.Equal($"{action} {target}", string.Join(' ', published.Split(' ').Take(2))); // a ban adds its expiry
            Assert.True(json.TryGetProperty("revision", out _), $"{method} {url} has no revision: {text}");
        }
    }

    /// <summary>The rows of docs/API.md's fleet table: method, path, body (may be empty) and the decision they publish.</summary>
    private static List<(string Method, string Path, string Body, string Action)> FleetRows()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "API.md")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var text = File.ReadAllText(Path.Combine(dir.FullName, "docs", "API.md"));
        return [.. FleetRow().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value))];
    }

    [GeneratedRegex(@"(?m)^\| `(POST|DELETE) (/api/v1/[^` ]+)`(?: `(\{[^`]*\})`)? \| `(\w+)`")]
    private static partial Regex FleetRow();

    private static async Task<HttpClient> ApiAsync(TempFolder folder, ServerProcess server)
    {
        // The dashboard may say where it listens just after the node's listener does (which is what StartAsync waits for).
        var url = new Uri((await server.WaitForLineAsync(@"dashboard_listening url=(\S+)")).Groups[1].Value);
        var client = new HttpClient { BaseAddress = new Uri(url.GetLeftPart(UriPartial.Authority)) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(folder.File("dashboard.token")).Trim());
        return client;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(HttpClient api, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        using var response = await api.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}
