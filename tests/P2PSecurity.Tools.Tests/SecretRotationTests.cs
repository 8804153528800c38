using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Secrets;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// A network-key rotation on the real server with real nodes and the real tools: both keys accepted, then only the
/// new one, with the sessions proven with the old key closed; and neither key's value in any output at any time.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SecretRotationTests
{
    // Distinctive fragments: none of them may appear in any output, log line, status or --json.
    private const string OldKey = "OLDpart-9f1e-rotation-secret-A";
    private const string NewKey = "NEWpart-77c2-rotation-secret-B";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Rotation_BothKeysThenOnlyTheNew_EvictsOldSessions_AndNoOutputShowsAKey()
    {
        using var folder = new TempFolder();
        WriteSecret(folder, "old.key", OldKey);
        WriteSecret(folder, "new.key", NewKey);
        WriteEnv(folder, "NETWORK_SECRET_KEY_FILE=old.key\nMAX_CONNECTIONS_PER_IP=20\nCONNECTION_RATE_LIMIT=600/min\n");
        await using var server = await ServerProcess.StartAsync(folder.EnvPath);
        var ct = TestContext.Current.CancellationToken;
        var outputs = new List<string>();
        var (oldFp, newFp) = (KeyFingerprint.Of(OldKey), KeyFingerprint.Of(NewKey));

        // Before: one key. A node proving it is welcomed; status and check show its fingerprint only.
        var (early, earlyHello) = await NodeClient.ConnectAndHandshakeAsync(Options(server, OldKey, "127.0.0.2"), ct);
        await using var earlySession = early;
        Assert.True(earlyHello.Welcomed, earlyHello.ToString());
        using (var status = await StatusJsonAsync(folder, outputs))
        {
            var key = status.RootElement.GetProperty("status").GetProperty("network_key");
            Assert.Equal(oldFp, key.GetProperty("fingerprint").GetString());
            Assert.Equal(oldFp, Assert.Single(key.GetProperty("sessions").EnumerateArray()).GetProperty("proved").GetString());
        }
        outputs.Add((await RunAsync(folder, "reload_security", "status")).Out);
        var check = await RunAsync(folder, "reload_security", "check");
        Assert.Contains($"network key: fingerprint {oldFp}", check.Out, StringComparison.Ordinal);
        outputs.Add(check.Out + check.Err + (await RunAsync(folder, "reload_security", "check", "--json")).Out);

        // During: the new key in force, the old one still accepted. Old and new nodes are both welcomed.
        WriteEnv(folder, "NETWORK_SECRET_KEY_FILE=new.key\nNETWORK_SECRET_KEY_PREVIOUS_FILE=old.key\nMAX_CONNECTIONS_PER_IP=20\nCONNECTION_RATE_LIMIT=600/min\n");
        var during = await RunAsync(folder, "reload_security", "reload");
        Assert.True(during.ExitCode == 0, during.ToString());
        outputs.Add(during.Out + during.Err);
        var (lateOld, lateOldHello) = await NodeClient.ConnectAndHandshakeAsync(Options(server, OldKey, "127.0.0.3"), ct);
        await using var lateOldSession = lateOld;
        var (fresh, freshHello) = await NodeClient.ConnectAndHandshakeAsync(Options(server, NewKey, "127.0.0.4"), ct);
        await using var freshSession = fresh;
        Assert.True(lateOldHello.Welcomed, lateOldHello.ToString());
        Assert.True(freshHello.Welcomed, freshHello.ToString());
        using (var status = await StatusJsonAsync(folder, outputs))
        {
            var key = status.RootElement.GetProperty("status").GetProperty("network_key");
            Assert.Equal(newFp, key.GetProperty("fingerprint").GetString());
            Assert.Equal(oldFp, key.GetProperty("previous_fingerprint").GetString());
            // Applied by the reload or by the 250 ms poll before it, whichever came first: the changes are the same.
            var changes = status.RootElement.GetProperty("status").GetProperty("last_reload").GetProperty("changes").EnumerateArray().Select(c => c.GetString()).ToList();
            Assert.Contains($"NETWORK_SECRET_KEY: changed, fingerprint {oldFp} -> {newFp} (value hidden)", changes);
            Assert.Contains($"NETWORK_SECRET_KEY_PREVIOUS: set (fingerprint {oldFp}, value hidden)", changes);
            var proved = key.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("proved").GetString() ?? "null").Order(StringComparer.Ordinal).ToList();
            Assert.Equal(new[] { oldFp, oldFp, newFp }.Order(StringComparer.Ordinal).ToList(), proved);
        }
        var text = await RunAsync(folder, "reload_security", "status");
        Assert.Contains($"previous key fingerprint {oldFp}", text.Out, StringComparison.Ordinal);
        outputs.Add(text.Out);

        // After: only the new key. Both sessions proven with the old key are closed with reason 14; the new one stays.
        WriteEnv(folder, "NETWORK_SECRET_KEY_FILE=new.key\nMAX_CONNECTIONS_PER_IP=20\nCONNECTION_RATE_LIMIT=600/min\n");
        var after = await RunAsync(folder, "reload_security", "reload", "--json");
        Assert.True(after.ExitCode == 0, after.ToString());
        outputs.Add(after.Out + after.Err);
        Assert.Equal(DenyReason.NetworkKeyProofFailed, Assert.IsType<RefusalMessage>(await LastMessageAsync(earlySession, ct)).Reason);
        Assert.Equal(DenyReason.NetworkKeyProofFailed, Assert.IsType<RefusalMessage>(await LastMessageAsync(lateOldSession, ct)).Reason);
        await freshSession.SendAsync(new PingMessage([1, 2]), ct);
        Assert.IsType<PongMessage>(await freshSession.ReceiveAsync(ct));
        var (again, againHello) = await NodeClient.ConnectAndHandshakeAsync(Options(server, OldKey, "127.0.0.5"), ct);
        await again.DisposeAsync();
        Assert.Equal(DenyReason.NetworkKeyProofFailed, againHello.Reason);
        using (var status = await StatusJsonAsync(folder, outputs))
        {
            var key = status.RootElement.GetProperty("status").GetProperty("network_key");
            Assert.False(key.TryGetProperty("previous_fingerprint", out _));
        }

        await server.StopAsync();
        var log = File.ReadAllText(folder.File("security.log"));
        Assert.Contains($"network_key_rotated old={oldFp} new={newFp}", log, StringComparison.Ordinal);
        outputs.Add(server.Output);
        outputs.Add(log);
        var everything = string.Join("\n", outputs);
        foreach (var fragment in new[] { "OLDpart", "NEWpart", "rotation-secret" })
        {
            Assert.DoesNotContain(fragment, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Profile_ToolsAndServerOnEnvDotProd_StatusShowsIt_AndAnUnknownProfileIsAnError()
    {
        using var folder = new TempFolder();
        var prod = folder.File(".env.prod");
        File.WriteAllText(prod, "MAX_CONNECTIONS_PER_IP=7\n");
        await using var server = await ServerProcess.StartAsync(folder.Path, prod, ["--profile", "prod", "--port", "0"]);

        var status = await RunAsync(folder, "reload_security", "status", "--profile", "prod", "--json");
        var text = await RunAsync(folder, "reload_security", "status", "--profile", "prod");
        var unknown = await RunAsync(folder, "manage_trusted_nodes", "list", "--profile", "prdo");

        Assert.True(status.ExitCode == 0, status.ToString());
        using (var json = JsonDocument.Parse(status.Out))
        {
            var s = json.RootElement.GetProperty("status");
            Assert.Equal("prod", s.GetProperty("server").GetProperty("profile").GetString());
            Assert.Equal(prod, s.GetProperty("policy_path").GetString());
            Assert.Equal(7, s.GetProperty("limits").GetProperty("max_connections_per_ip").GetInt32());
        }
        Assert.Contains("profile      prod", text.Out, StringComparison.Ordinal);
        Assert.Equal(64, unknown.ExitCode);
        Assert.Contains($"profile 'prdo': {folder.File(".env.prdo")} does not exist", unknown.Err, StringComparison.Ordinal);
        Assert.Contains("profile=prod", server.Output, StringComparison.Ordinal);
    }

    private static void WriteSecret(TempFolder folder, string name, string secret)
    {
        var temp = folder.File(name + ".tmp");
        File.WriteAllText(temp, secret + "\n");
        File.SetUnixFileMode(temp, OwnerOnly);
        File.Move(temp, folder.File(name), overwrite: true);
    }

    /// <summary>Replaces the .env by rename (owner-only), as manage_trusted_nodes does.</summary>
    private static void WriteEnv(TempFolder folder, string text)
    {
        var temp = folder.EnvPath + ".tmp";
        File.WriteAllText(temp, text);
        File.SetUnixFileMode(temp, OwnerOnly);
        File.Move(temp, folder.EnvPath, overwrite: true);
    }

    private static NodeClientOptions Options(ServerProcess server, string secret, string local) => new()
    {
        Server = server.EndPoint,
        Identity = NodeIdentity.Create(),
        NetworkSecret = secret,
        LocalAddress = IPAddress.Parse(local),
    };

    private static async Task<ToolResult> RunAsync(TempFolder folder, string tool, params string[] args) =>
        await ToolProcess.RunAsync(tool, folder.Path, args);

    private static async Task<JsonDocument> StatusJsonAsync(TempFolder folder, List<string> outputs)
    {
        var status = await RunAsync(folder, "reload_security", "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        outputs.Add(status.Out + status.Err);
        return JsonDocument.Parse(status.Out);
    }

    /// <summary>The last message before the server closed the session.</summary>
    private static async Task<NodeMessage?> LastMessageAsync(NodeClient client, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        NodeMessage? last = null;
        while (await client.ReceiveAsync(timeout.Token) is { } message)
        {
            last = message;
        }
        return last;
    }
}
