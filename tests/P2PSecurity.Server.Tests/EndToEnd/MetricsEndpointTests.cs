using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>METRICS_ADDRESS on the real program: /metrics in the Prometheus text format, checked by promtool.</summary>
[Trait("Tier", "EndToEnd")]
public sealed partial class MetricsEndpointTests : IDisposable
{
    private const string Promtool = "/usr/bin/promtool";

    private static readonly string[] Families =
    [
        "p2psecurity_connections_accepted_total", "p2psecurity_connections_refused_total", "p2psecurity_sessions",
        "p2psecurity_handshake_duration_seconds", "p2psecurity_messages_total", "p2psecurity_policy_reloads_total",
        "p2psecurity_policy_revision", "p2psecurity_policy_last_reload_success_timestamp_seconds", "p2psecurity_lockdown",
    ];

    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Metrics_RealServerAfterTraffic_ServesEveryFamilyWithoutPeerLabelsAndPassesPromtool()
    {
        using var node = TestIdentities.Create();
        _folder.WriteEnv("BLOCKED_IP_ADDRESSES=127.0.0.9\n");
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0", "--metrics", "127.0.0.1:0");
        var port = await server.WaitForListeningAsync();
        var url = (await server.WaitForLineAsync(@"metrics_listening url=(\S+)")).Groups[1].Value;
        var ct = TestContext.Current.CancellationToken;

        var (client, welcome) = await NodeClient.ConnectAndHandshakeAsync(new NodeClientOptions { Server = new IPEndPoint(IPAddress.Loopback, port), Identity = node }, ct);
        await using var session = client;
        Assert.True(welcome.Welcomed, welcome.ToString());
        await client.SendAsync(new PingMessage([7]), ct);
        await client.ReceiveAsync<PongMessage>();
        await using (var blocked = await RawConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "127.0.0.9"))
        {
            Assert.Equal(0, (await blocked.WaitForCloseAsync(TimeSpan.FromSeconds(5))).Bytes);
        }
        _folder.ReplaceEnv("BLOCKED_IP_ADDRESSES=127.0.0.9,127.0.0.10\n");
        await server.WaitForLineAsync("policy_reloaded revision=2");

        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(url), ct);

        foreach (var family in Families)
        {
            Assert.Contains($"# TYPE {family} ", text, StringComparison.Ordinal);
        }
        Assert.Matches(@"p2psecurity_connections_refused_total\{[^}]*reason=""ip_blocked""[^}]*\} 1\b", text);
        Assert.Matches(@"p2psecurity_sessions\{[^}]*direction=""inbound""[^}]*\} 1\b", text);
        Assert.Matches(@"p2psecurity_messages_total\{[^}]*result=""allowed""[^}]*\} [1-9]", text);
        Assert.Matches(@"p2psecurity_policy_reloads_total\{[^}]*result=""applied""[^}]*\} 1\b", text);
        Assert.Matches(@"p2psecurity_policy_revision\{[^}]*\} 2\b", text);
        Assert.Matches(@"p2psecurity_handshake_duration_seconds_count\{[^}]*\} 1\b", text);
        Assert.Matches(@"p2psecurity_connections_accepted_total\{[^}]*\} 1\b", text);
        // Only these labels exist: the instruments' own three and the exporter's scope and target metadata.
        foreach (Match label in Label().Matches(text))
        {
            var (name, value) = (label.Groups[1].Value, label.Groups[2].Value);
            Assert.True(name is "reason" or "direction" or "result" or "le" or "otel_scope_name" or "otel_scope_version" || name.StartsWith("telemetry_sdk_", StringComparison.Ordinal) || name.StartsWith("service_", StringComparison.Ordinal),
                $"unexpected label {label.Value}");
            if (name is "reason" or "direction" or "result")
            {
                Assert.Matches("^[a-z_]+$", value);
            }
        }
        Assert.DoesNotContain("127.0.0.", text, StringComparison.Ordinal);
        Assert.DoesNotContain(node.NodeKey.ToShortString(), text, StringComparison.Ordinal);
        var (exit, output) = await PromtoolAsync(text);
        Assert.True(exit == 0, $"promtool check metrics failed ({exit}):\n{output}\n{text}");
    }

    [Fact]
    public async Task Metrics_NotAskedFor_NoListener()
    {
        _folder.WriteEnv("CONTROL_SOCKET=ctl.sock\n");
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0", "--dashboard", "off");

        await server.WaitForListeningAsync();
        await server.WaitForLineAsync("control_listening");

        Assert.DoesNotContain("metrics_listening", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AddressInUse_SaysWhichSettingAndExitsWithOne()
    {
        using var occupier = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var taken = ((IPEndPoint)occupier.LocalEndpoint).Port;
        _folder.WriteEnv($"METRICS_ADDRESS=127.0.0.1:{taken}\n");
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0");

        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"METRICS_ADDRESS=127.0.0.1:{taken}: cannot listen there", server.Errors, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> PromtoolAsync(string metrics)
    {
        Assert.True(File.Exists(Promtool), $"{Promtool} is missing: install the Debian package 'prometheus' (.ci/run does)");
        var info = new ProcessStartInfo(Promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=""([^""]*)""")]
    private static partial Regex Label();

    public void Dispose() => _folder.Dispose();
}
