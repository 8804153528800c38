using System.Net;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Secrets;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>The real program with its network key in a file or a systemd credential.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class SecretProcessTests : IDisposable
{
    private const string Secret = "Zk4-file-held-network-key-7781";
    private const string Other = "Hq2-some-other-network-key-0042";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempFolder _folder = new();

    private string WriteSecret(string name, string content, UnixFileMode mode)
    {
        var path = _folder.File(name);
        File.WriteAllText(path + ".tmp", content);
        File.SetUnixFileMode(path + ".tmp", mode);
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    [Fact]
    public async Task Start_SecretFileReadableByOthers_RefusesToStartNamingTheFileAndItsMode()
    {
        var path = WriteSecret("network.key", Secret + "\n", OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        _folder.WriteEnv("NETWORK_SECRET_KEY_FILE=network.key\n");
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0");

        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Contains($"NETWORK_SECRET_KEY_FILE line 1: {path} has mode 0644", server.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Zk4", server.Output + server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SecretFile0600_WelcomesTheKeyRefusesAnotherWith14_AndFollowsTheFile()
    {
        WriteSecret("network.key", Secret + "\n", OwnerOnly);
        _folder.WriteEnv("NETWORK_SECRET_KEY_FILE=network.key\nMAX_CONNECTIONS_PER_IP=10\n");
        File.SetUnixFileMode(_folder.EnvPath, OwnerOnly);
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0");
        var port = await server.WaitForListeningAsync();
        using var node = TestIdentities.Create();

        var (client, welcomed) = await HandshakeAsync(port, node, Secret);
        await using var session = client;
        var (refusedClient, refused) = await HandshakeAsync(port, node, Other);
        await refusedClient.DisposeAsync();

        Assert.True(welcomed.Welcomed, welcomed.ToString());
        Assert.Equal(DenyReason.NetworkKeyProofFailed, refused.Reason);
        await server.WaitForLineAsync($"network_key_in_force fingerprint={KeyFingerprint.Of(Secret)} source=NETWORK_SECRET_KEY_FILE ");

        // The key file is watched like the policy: a new key closes the session proven with the old one (reason 14).
        WriteSecret("network.key", Other + "\n", OwnerOnly);
        var evicted = (await session.ReceiveUntilClosedAsync()).OfType<RefusalMessage>().Single();
        Assert.Equal(DenyReason.NetworkKeyProofFailed, evicted.Reason);
        await server.WaitForLineAsync($"network_key_rotated old={KeyFingerprint.Of(Secret)} new={KeyFingerprint.Of(Other)}");
        var (next, nowWelcomed) = await HandshakeAsync(port, node, Other);
        await next.DisposeAsync();
        Assert.True(nowWelcomed.Welcomed, nowWelcomed.ToString());
        Assert.DoesNotContain("Zk4", server.Output + server.Errors + _folder.ReadLog(), StringComparison.Ordinal);
        Assert.DoesNotContain("Hq2", server.Output + server.Errors + _folder.ReadLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SystemdCredential_IsTheNetworkKey()
    {
        var credentials = Directory.CreateDirectory(_folder.File("credentials")).FullName;
        File.WriteAllText(Path.Combine(credentials, "network_secret_key"), Secret);
        File.SetUnixFileMode(Path.Combine(credentials, "network_secret_key"), UnixFileMode.UserRead);
        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=10\n");
        var environment = new Dictionary<string, string?> { ["CREDENTIALS_DIRECTORY"] = credentials };
        await using var server = ServerProcess.Start(_folder.Path, environment, "--env-file", _folder.EnvPath, "--port", "0");
        var port = await server.WaitForListeningAsync();
        using var node = TestIdentities.Create();

        var (a, right) = await HandshakeAsync(port, node, Secret);
        await a.DisposeAsync();
        var (b, wrong) = await HandshakeAsync(port, node, Other);
        await b.DisposeAsync();

        Assert.True(right.Welcomed, right.ToString());
        Assert.Equal(DenyReason.NetworkKeyProofFailed, wrong.Reason);
        Assert.Contains($"source=systemd credential {Path.Combine(credentials, "network_secret_key")}", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CredentialAndKeyInTheFile_RefusesNamingBoth()
    {
        var credentials = Directory.CreateDirectory(_folder.File("credentials")).FullName;
        File.WriteAllText(Path.Combine(credentials, "network_secret_key"), Secret);
        File.SetUnixFileMode(Path.Combine(credentials, "network_secret_key"), UnixFileMode.UserRead);
        _folder.WriteEnv($"NETWORK_SECRET_KEY={Other}\n");
        var environment = new Dictionary<string, string?> { ["CREDENTIALS_DIRECTORY"] = credentials };
        await using var server = ServerProcess.Start(_folder.Path, environment, "--env-file", _folder.EnvPath, "--port", "0");

        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"NETWORK_SECRET_KEY (line 1) and the systemd credential {Path.Combine(credentials, "network_secret_key")}", server.Errors, StringComparison.Ordinal);
    }

    private static async Task<(NodeClient Client, HandshakeResult Result)> HandshakeAsync(int port, NodeIdentity node, string secret) =>
        await NodeClient.ConnectAndHandshakeAsync(new NodeClientOptions
        {
            Server = new IPEndPoint(IPAddress.Loopback, port),
            Identity = node,
            NetworkSecret = secret,
        }, TestContext.Current.CancellationToken);

    public void Dispose() => _folder.Dispose();
}
