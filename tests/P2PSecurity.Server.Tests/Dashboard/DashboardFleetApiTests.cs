using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Dashboard;

/// <summary>
/// <c>"fleet":true</c> on the API's writes, on a node in no fleet: refused with the reason, nothing written, nothing
/// banned; what a fleet decision cannot carry (a label, a reason, a preview) is refused, not dropped. The publish
/// itself, against a real Redis, is in the tools' tests (FleetApiTests).
/// </summary>
public sealed class DashboardFleetApiTests : IDisposable
{
    private readonly PolicyFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FleetWrite_NodeInNoFleet_FleetUnavailable_FileAndBansUnchanged_StatusSaysNoFleet()
    {
        await using var server = await DashboardServer.StartAsync(_folder, "CONTROL_SOCKET=ctl.sock\n");
        using var api = server.BearerClient();
        var before = await File.ReadAllTextAsync(_folder.EnvPath, Ct);

        var block = await api.PostAsJsonAsync(new Uri("/api/v1/addresses/blocked", UriKind.Relative), new { target = "203.0.113.7", fleet = true }, Ct);
        var ban = await api.PostAsJsonAsync(new Uri("/api/v1/bans", UriKind.Relative), new { target = "203.0.113.8", fleet = true }, Ct);
        var unban = await api.DeleteAsync(new Uri("/api/v1/bans/203.0.113.8?fleet=true", UriKind.Relative), Ct);

        foreach (var refused in new[] { block, ban, unban })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = (await JsonAsync(refused)).GetProperty("error");
            Assert.Equal("fleet_unavailable", error.GetProperty("code").GetString());
            Assert.Contains("FLEET_REDIS", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await File.ReadAllTextAsync(_folder.EnvPath, Ct));
        var bans = await JsonAsync(await api.GetAsync(new Uri("/api/v1/bans", UriKind.Relative), Ct));
        Assert.Equal(0, bans.GetProperty("bans").GetProperty("total").GetInt32());
        var status = await JsonAsync(await api.GetAsync(new Uri("/api/v1/fleet", UriKind.Relative), Ct));
        Assert.True(status.GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("fleet").ValueKind);
    }

    [Fact]
    public async Task FleetWrite_WithLabelReasonPreviewOrWrongTarget_InvalidArgumentNamingIt()
    {
        await using var server = await DashboardServer.StartAsync(_folder, "CONTROL_SOCKET=ctl.sock\n");
        using var api = server.BearerClient();
        var key = new string('a', 64);

        var cases = new (string Path, object Body, string Named)[]
        {
            ("/api/v1/nodes/blocked", new { key, label = "x", fleet = true }, "label"),
            ("/api/v1/bans", new { target = "203.0.113.9", reason = "scan", fleet = true }, "reason"),
            ("/api/v1/addresses/blocked?preview=true", new { target = "203.0.113.9", fleet = true }, "preview"),
            ("/api/v1/nodes/allowed", new { key = "203.0.113.9", fleet = true }, "not a node key"),
            ("/api/v1/addresses/blocked", new { target = key, fleet = true }, "/api/v1/nodes/blocked"),
        };
        foreach (var (path, body, named) in cases)
        {
            var response = await api.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Ct);
            var error = (await JsonAsync(response)).GetProperty("error");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_argument", error.GetProperty("code").GetString());
            Assert.Contains(named, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    public void Dispose() => _folder.Dispose();
}
