using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Dashboard;

/// <summary>The JSON API's whole-file apply and bans, on the real program with a bearer token.</summary>
public sealed class DashboardWriteApiTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PolicyApply_ValidText_WrittenAsGivenReloadedAndAnswersTheRevisionInForce()
    {
        await using var server = await DashboardServer.StartAsync(_folder, "CONTROL_SOCKET=ctl.sock\nNETWORK_SECRET_KEY=kept-secret-0123456789abcdef\nMAX_CONNECTIONS_PER_IP=5\n");
        File.SetUnixFileMode(_folder.EnvPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var api = server.BearerClient();

        var view = await JsonAsync(await api.GetAsync(new Uri("/api/v1/policy", UriKind.Relative), Ct));
        var text = view.GetProperty("text").GetString()!;
        var sha = view.GetProperty("sha256").GetString()!;
        Assert.Equal("CONTROL_SOCKET=ctl.sock\nNETWORK_SECRET_KEY=<hidden>\nMAX_CONNECTIONS_PER_IP=5\n", text);
        var edited = text.Replace("=5", "=8   # raised from the API", StringComparison.Ordinal);

        var preview = await JsonAsync(await api.PostAsJsonAsync(new Uri("/api/v1/policy/apply?preview=true", UriKind.Relative), new { text = edited }, Ct));
        Assert.True(preview.GetProperty("check_live").GetProperty("valid").GetBoolean());
        Assert.Contains("MAX_CONNECTIONS_PER_IP", preview.GetProperty("check_live").GetProperty("changes")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("=5", await File.ReadAllTextAsync(_folder.EnvPath, Ct), StringComparison.Ordinal);

        var applied = await api.PostAsJsonAsync(new Uri("/api/v1/policy/apply", UriKind.Relative), new { text = edited, base_sha256 = sha }, Ct);
        var answer = await JsonAsync(applied);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal("written", answer.GetProperty("outcome").GetString());
        Assert.Equal(2, answer.GetProperty("revision").GetInt64());
        Assert.Equal("applied", answer.GetProperty("reload").GetProperty("outcome").GetString());
        Assert.Equal("CONTROL_SOCKET=ctl.sock\nNETWORK_SECRET_KEY=kept-secret-0123456789abcdef\nMAX_CONNECTIONS_PER_IP=8   # raised from the API\n",
            await File.ReadAllTextAsync(_folder.EnvPath, Ct));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder.EnvPath));

        // The same base again: the file changed since, so nothing is overwritten.
        var stale = await api.PostAsJsonAsync(new Uri("/api/v1/policy/apply", UriKind.Relative), new { text, base_sha256 = sha }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("conflict", (await JsonAsync(stale)).GetProperty("error").GetProperty("code").GetString());

        var invalid = await api.PostAsJsonAsync(new Uri("/api/v1/policy/apply", UriKind.Relative), new { text = "MAX_CONNECTIONS_PER_IP=many\n" }, Ct);
        var error = (await JsonAsync(invalid)).GetProperty("error");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("invalid_argument", error.GetProperty("code").GetString());
        Assert.Contains("MAX_CONNECTIONS_PER_IP", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("=8", await File.ReadAllTextAsync(_folder.EnvPath, Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("kept-secret", view.GetRawText() + preview.GetRawText() + answer.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bans_BanListAndUnbanThroughTheApi_TheBannedNodeIsRefusedAndTheAnswerHasTheRevision()
    {
        using var node = TestIdentities.Create();
        await using var server = await DashboardServer.StartAsync(_folder, "CONTROL_SOCKET=ctl.sock\n");
        using var api = server.BearerClient();
        var options = new NodeClientOptions { Server = server.EndPoint, Identity = node };
        var key = node.NodeKey.ToString();

        var banned = await api.PostAsJsonAsync(new Uri("/api/v1/bans", UriKind.Relative), new { target = key, duration = "2h", reason = "spam from the api" }, Ct);
        var ban = await JsonAsync(banned);
        Assert.Equal(HttpStatusCode.OK, banned.StatusCode);
        Assert.Equal("added", ban.GetProperty("ban").GetProperty("outcome").GetString());
        Assert.Equal(1, ban.GetProperty("revision").GetInt64());
        var (refusedClient, refused) = await NodeClient.ConnectAndHandshakeAsync(options, Ct);
        await refusedClient.DisposeAsync();
        Assert.False(refused.Welcomed);

        var list = await JsonAsync(await api.GetAsync(new Uri("/api/v1/bans", UriKind.Relative), Ct));
        var row = Assert.Single(list.GetProperty("bans").GetProperty("bans").EnumerateArray());
        Assert.Equal(key, row.GetProperty("target").GetString());
        Assert.Equal("spam from the api", row.GetProperty("reason").GetString());

        var bad = await api.PostAsJsonAsync(new Uri("/api/v1/bans", UriKind.Relative), new { target = "10.0.0.0/33" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalid_argument", (await JsonAsync(bad)).GetProperty("error").GetProperty("code").GetString());

        var unbanned = await JsonAsync(await api.DeleteAsync(new Uri($"/api/v1/bans/{key}", UriKind.Relative), Ct));
        Assert.Equal("removed", unbanned.GetProperty("ban").GetProperty("outcome").GetString());
        var (client, welcome) = await NodeClient.ConnectAndHandshakeAsync(options, Ct);
        await using var session = client;
        Assert.True(welcome.Welcomed, welcome.ToString());

        var range = await JsonAsync(await api.PostAsJsonAsync(new Uri("/api/v1/bans", UriKind.Relative), new { target = "198.51.100.0/24" }, Ct));
        Assert.Equal("198.51.100.0/24", range.GetProperty("ban").GetProperty("ban").GetProperty("target").GetString());
        var rangeGone = await JsonAsync(await api.DeleteAsync(new Uri("/api/v1/bans/198.51.100.0/24", UriKind.Relative), Ct));
        Assert.Equal("removed", rangeGone.GetProperty("ban").GetProperty("outcome").GetString());
        Assert.Contains("dashboard_change remote=127.0.0.1 action=ban target=" + key, server.Process.Output + _folder.ReadLog(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    public void Dispose() => _folder.Dispose();
}
