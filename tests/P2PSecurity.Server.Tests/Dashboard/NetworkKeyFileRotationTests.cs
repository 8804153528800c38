using System.Text.Json;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Secrets;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Control;
using P2PSecurity.Server.Dashboard;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Dashboard;

/// <summary>
/// The Network key page's rotation of a key kept in NETWORK_SECRET_KEY_FILE (and the refusal for a systemd
/// credential), on the dashboard's own operations: a real server in this process for the sessions, real files.
/// </summary>
public sealed class NetworkKeyFileRotationTests : IDisposable
{
    // Distinctive, so that a leak into a file, an answer or a log is found by a plain search.
    private const string OlderKey = "older-KEY-31f0-file-rotation-0001";
    private const string OldKey = "old-KEY-8c2d-file-rotation-0002";
    private const string NewKey = "new-KEY-5b7e-file-rotation-0003";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempFolder _folder = new();

    private string KeyFile => _folder.File("network.key");

    private string PreviousFile => KeyFile + NetworkKeyFileRotation.PreviousSuffix;

    [Fact]
    public async Task RotateKeyFile_KeepPrevious_NewKeyInTheFileOldInDotPrevious_BothAcceptedNobodyClosed()
    {
        WriteSecret(KeyFile, OldKey);
        await using var server = await TestServer.StartAsync(_folder, "NETWORK_SECRET_KEY_FILE=network.key\nNETWORK_SECRET_KEY_PREVIOUS=" + OlderKey + "\n");
        File.SetUnixFileMode(_folder.EnvPath, OwnerOnly);
        using var node = TestIdentities.Create();
        await using var onOld = await server.ConnectWelcomedAsync(node, "127.0.0.41", OldKey);
        var oldClosed = onOld.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(30));
        var files = Operations(server.Manager, server.Status);

        var answer = files.RotateNetworkKey(NewKey, NewKey, keepPrevious: true, preview: false);

        Assert.True(answer.Ok, Describe(answer));
        Assert.Equal("written", answer.Outcome);
        Assert.Equal(KeyFingerprint.Of(NewKey), answer.Entry);
        Assert.Equal(server.Manager.Policy.Revision, answer.Revision);
        Assert.Equal(0, answer.Reload!.SessionsClosed);
        Assert.Equal(NewKey + "\n", await File.ReadAllTextAsync(KeyFile, Ct));
        Assert.Equal(OldKey + "\n", await File.ReadAllTextAsync(PreviousFile, Ct));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(KeyFile));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(PreviousFile));
        var env = await File.ReadAllTextAsync(_folder.EnvPath, Ct);
        Assert.Equal($"NETWORK_SECRET_KEY_FILE=network.key\nNETWORK_SECRET_KEY_PREVIOUS_FILE={PreviousFile}\n", env);
        Assert.Equal(KeyFingerprint.Of(NewKey), server.Manager.Policy.NetworkKeyFingerprint);
        Assert.Equal(KeyFingerprint.Of(OldKey), server.Manager.Policy.NetworkKeyPreviousFingerprint);
        Assert.Equal(answer.Sha256, PolicyFileRewriterSha(env));

        // Both keys are accepted: the session on the old key stays, and new connections prove either key.
        Assert.False(oldClosed.IsCompleted, "the session proven with the old key was closed");
        Assert.Contains(server.Status.Sessions, s => s.NodeKey == node.NodeKey);
        await using var onNew = await server.ConnectWelcomedAsync(TestIdentities.Create(), "127.0.0.42", NewKey);
        await using var stillOld = await server.ConnectWelcomedAsync(TestIdentities.Create(), "127.0.0.43", OldKey);
        var (older, refused) = await server.ConnectAsync(TestIdentities.Create(), "127.0.0.44", OlderKey);
        await older.DisposeAsync();
        Assert.False(refused.Welcomed, "the key before the old one is no longer accepted");
        AssertNoKeyIn(JsonSerializer.Serialize(answer, DashboardApi.Json) + _folder.ReadLog() + env);
    }

    [Fact]
    public async Task RotateKeyFile_WithoutKeepPrevious_DropsBothPreviousSettingsAndTheDotPreviousFile_AndClosesOldSessions()
    {
        WriteSecret(KeyFile, OldKey);
        WriteSecret(PreviousFile, OlderKey); // an earlier rotation's
        await using var server = await TestServer.StartAsync(_folder,
            "# keys\nNETWORK_SECRET_KEY_FILE=network.key\nNETWORK_SECRET_KEY_PREVIOUS_FILE=network.key.previous\nMAX_CONNECTIONS_PER_IP=7\n");
        File.SetUnixFileMode(_folder.EnvPath, OwnerOnly);
        await using var onOld = await server.ConnectWelcomedAsync(TestIdentities.Create(), "127.0.0.45", OldKey);
        var closed = onOld.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(10));
        var files = Operations(server.Manager, server.Status);

        var answer = files.RotateNetworkKey(NewKey, NewKey, keepPrevious: false, preview: false);

        Assert.True(answer.Ok, Describe(answer));
        Assert.Equal(1, answer.Reload!.SessionsClosed);
        await closed.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("# keys\nNETWORK_SECRET_KEY_FILE=network.key\nMAX_CONNECTIONS_PER_IP=7\n", await File.ReadAllTextAsync(_folder.EnvPath, Ct));
        Assert.Equal(NewKey + "\n", await File.ReadAllTextAsync(KeyFile, Ct));
        Assert.False(File.Exists(PreviousFile), "the earlier rotation's previous key was left on disk");
        Assert.Equal(KeyFingerprint.Of(NewKey), server.Manager.Policy.NetworkKeyFingerprint);
        Assert.Equal("", server.Manager.Policy.NetworkSecretKeyPrevious);
        await using var onNew = await server.ConnectWelcomedAsync(TestIdentities.Create(), "127.0.0.46", NewKey);
        AssertNoKeyIn(JsonSerializer.Serialize(answer, DashboardApi.Json) + _folder.ReadLog());
    }

    [Fact]
    public async Task RotateKeyFile_Preview_CountsTheSessionsFromTheCandidateKeys_AndWritesNothing()
    {
        WriteSecret(KeyFile, OldKey);
        await using var server = await TestServer.StartAsync(_folder, "NETWORK_SECRET_KEY_FILE=network.key\n");
        File.SetUnixFileMode(_folder.EnvPath, OwnerOnly);
        await using var first = await server.ConnectWelcomedAsync(TestIdentities.Create(), "127.0.0.47", OldKey);
        await using var second = await server.ConnectWelcomedAsync(TestIdentities.Create(), "127.0.0.48", OldKey);
        var firstClosed = first.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(30));
        var secondClosed = second.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(30));
        var envBefore = await File.ReadAllBytesAsync(_folder.EnvPath, Ct);
        var keyStamp = File.GetLastWriteTimeUtc(KeyFile);
        var revision = server.Manager.Policy.Revision;
        var files = Operations(server.Manager, server.Status);

        var dropping = files.RotateNetworkKey(NewKey, NewKey, keepPrevious: false, preview: true);
        var keeping = files.RotateNetworkKey(NewKey, NewKey, keepPrevious: true, preview: true);

        Assert.True(dropping.Ok, Describe(dropping));
        Assert.Equal("preview", dropping.Outcome);
        Assert.True(dropping.Preview!.Valid);
        Assert.Equal(2, dropping.Preview.SessionsWouldClose);
        Assert.Equal(2, dropping.Preview.WouldRefuse.Count);
        Assert.Contains(dropping.Preview.Changes, c => c.Contains(KeyFingerprint.Of(NewKey), StringComparison.Ordinal));
        Assert.True(keeping.Ok, Describe(keeping));
        Assert.Equal(0, keeping.Preview!.SessionsWouldClose);
        Assert.Equal(envBefore, await File.ReadAllBytesAsync(_folder.EnvPath, Ct));
        Assert.Equal(OldKey + "\n", await File.ReadAllTextAsync(KeyFile, Ct));
        Assert.Equal(keyStamp, File.GetLastWriteTimeUtc(KeyFile));
        Assert.False(File.Exists(PreviousFile));
        Assert.Equal(revision, server.Manager.Policy.Revision);
        Assert.False(firstClosed.IsCompleted || secondClosed.IsCompleted, "a preview closed a session");
        Assert.Equal(2, server.Status.Sessions.Count);
        AssertNoKeyIn(JsonSerializer.Serialize(dropping, DashboardApi.Json) + JsonSerializer.Serialize(keeping, DashboardApi.Json));
    }

    [Fact]
    public void Rotate_KeyFromASystemdCredential_IsRefusedSayingHowToRotateIt_AndNothingIsWritten()
    {
        var credentials = Directory.CreateDirectory(_folder.File("credentials")).FullName;
        var credential = Path.Combine(credentials, PolicyLoadContext.NetworkKeyCredential);
        WriteSecret(credential, OldKey);
        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=4\n");
        File.SetUnixFileMode(_folder.EnvPath, OwnerOnly);
        using var manager = SecurityManager.Create(_folder.EnvPath, context: new PolicyLoadContext { CredentialsDirectory = credentials });
        Assert.StartsWith("systemd credential ", manager.Policy.NetworkKeySource, StringComparison.Ordinal);
        var files = Operations(manager, null);

        var preview = files.RotateNetworkKey(NewKey, NewKey, keepPrevious: true, preview: true);
        var save = files.RotateNetworkKey(NewKey, NewKey, keepPrevious: true, preview: false);

        foreach (var answer in new[] { preview, save })
        {
            Assert.False(answer.Ok);
            Assert.Equal(ControlProtocol.ErrorCodes.InvalidArgument, answer.Error!.Code);
            Assert.Contains(credential, answer.Error.Message, StringComparison.Ordinal);
            Assert.Contains("read-only", answer.Error.Message, StringComparison.Ordinal);
            Assert.Contains("systemd-creds encrypt", answer.Error.Message, StringComparison.Ordinal);
            Assert.Contains("restart", answer.Error.Message, StringComparison.Ordinal);
            AssertNoKeyIn(JsonSerializer.Serialize(answer, DashboardApi.Json));
        }
        Assert.Equal(OldKey + "\n", File.ReadAllText(credential));
        Assert.Equal("MAX_CONNECTIONS_PER_IP=4\n", File.ReadAllText(_folder.EnvPath));
        Assert.Equal(1, manager.Policy.Revision);
    }

    [Fact]
    public void RotateKeyFile_PolicyFileNotWritable_PutsTheDotPreviousFileBack_AndTheKeyInForceStays()
    {
        using var manager = StartWithBothKeyFiles();
        var writes = new List<string>();
        var files = Operations(manager, null, FailingWriter(_folder.EnvPath, new UnauthorizedAccessException("Access to the policy file is denied."), writes));

        var answer = files.RotateNetworkKey(NewKey, NewKey, keepPrevious: true, preview: false);

        Assert.False(answer.Ok);
        Assert.Equal(ControlProtocol.ErrorCodes.InternalError, answer.Error!.Code);
        Assert.Contains("cannot write the policy file", answer.Error.Message, StringComparison.Ordinal);
        Assert.Contains("every file is as it was", answer.Error.Message, StringComparison.Ordinal);
        // P.previous was written first (the old key), then put back when the policy file refused; P never written.
        Assert.Equal(["network.key.previous", ".env", "network.key.previous"], writes);
        Assert.Equal(OlderKey + "\n", File.ReadAllText(PreviousFile));
        Assert.Equal(OldKey + "\n", File.ReadAllText(KeyFile));
        Assert.Equal(BothKeyFilesEnv, File.ReadAllText(_folder.EnvPath));
        Assert.Equal(1, manager.Policy.Revision);
        Assert.Equal(KeyFingerprint.Of(OldKey), manager.Policy.NetworkKeyFingerprint);
        AssertNoKeyIn(JsonSerializer.Serialize(answer, DashboardApi.Json));
    }

    [Fact]
    public void RotateKeyFile_KeyFileNotWritable_PutsThePolicyFileBack_AndTheKeyInForceStays()
    {
        using var manager = StartWithBothKeyFiles();
        var writes = new List<string>();
        var files = Operations(manager, null, FailingWriter(KeyFile, new IOException("No space left on device"), writes));

        var answer = files.RotateNetworkKey(NewKey, NewKey, keepPrevious: false, preview: false);

        Assert.False(answer.Ok);
        Assert.Contains($"cannot write the key file {KeyFile}", answer.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("every file is as it was", answer.Error.Message, StringComparison.Ordinal);
        // The policy file (previous key dropped) was written, then put back when the key file refused.
        Assert.Equal([".env", "network.key", ".env"], writes);
        Assert.Equal(BothKeyFilesEnv, File.ReadAllText(_folder.EnvPath));
        Assert.Equal(OldKey + "\n", File.ReadAllText(KeyFile));
        Assert.Equal(OlderKey + "\n", File.ReadAllText(PreviousFile));
        Assert.Equal(KeyFingerprint.Of(OldKey), manager.Policy.NetworkKeyFingerprint);
        AssertNoKeyIn(JsonSerializer.Serialize(answer, DashboardApi.Json));
    }

    [Fact]
    public void RotateKeyFile_TheKeyInTheFileAlready_OrAnInvalidKey_IsRefusedAndNothingIsWritten()
    {
        WriteSecret(KeyFile, OldKey);
        _folder.WriteEnv("NETWORK_SECRET_KEY_FILE=network.key\n");
        using var manager = SecurityManager.Create(_folder.EnvPath, context: PolicyLoadContext.None);
        var files = Operations(manager, null, (path, _, _) => throw new InvalidOperationException($"nothing may be written ({path})"));

        var same = files.RotateNetworkKey(OldKey, OldKey, keepPrevious: true, preview: false);
        var tooShort = files.RotateNetworkKey("short", "short", keepPrevious: true, preview: false);
        var differ = files.RotateNetworkKey(NewKey, NewKey + "x", keepPrevious: true, preview: false);

        Assert.Contains("the key in force already", same.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("too short", tooShort.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("the two keys typed differ", differ.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(OldKey + "\n", File.ReadAllText(KeyFile));
        Assert.False(File.Exists(PreviousFile));
        AssertNoKeyIn(JsonSerializer.Serialize(same, DashboardApi.Json) + JsonSerializer.Serialize(differ, DashboardApi.Json));
    }

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string BothKeyFilesEnv = "NETWORK_SECRET_KEY_FILE=network.key\nNETWORK_SECRET_KEY_PREVIOUS_FILE=network.key.previous\n";

    /// <summary>A manager on a policy naming the key file (the old key) and the previous-key file (the older key).</summary>
    private SecurityManager StartWithBothKeyFiles()
    {
        WriteSecret(KeyFile, OldKey);
        WriteSecret(PreviousFile, OlderKey);
        _folder.WriteEnv(BothKeyFilesEnv);
        File.SetUnixFileMode(_folder.EnvPath, OwnerOnly);
        return SecurityManager.Create(_folder.EnvPath, context: PolicyLoadContext.None);
    }

    /// <summary>Writes as the server does, records each file's name, and throws <paramref name="failure"/> for <paramref name="failingPath"/>.</summary>
    private static Action<string, byte[], bool> FailingWriter(string failingPath, Exception failure, List<string> writes) => (path, bytes, secret) =>
    {
        writes.Add(Path.GetFileName(path));
        if (path == failingPath)
        {
            throw failure;
        }
        Core.Editing.AtomicFile.Write(path, bytes, secret ? OwnerOnly : null);
    };

    private static PolicyFileOperations Operations(SecurityManager manager, IServerStatusSource? server, Action<string, byte[], bool>? write = null) =>
        new(manager, new ControlRequestHandler(manager, server, new RecentNodeRefusals()), write);

    private static void WriteSecret(string path, string key)
    {
        File.WriteAllText(path, key + "\n");
        File.SetUnixFileMode(path, OwnerOnly);
    }

    private static string PolicyFileRewriterSha(string text) => Core.Editing.PolicyFileRewriter.Sha256(text);

    private static string Describe(EditAnswer answer) =>
        answer.Error?.Message ?? string.Join("; ", answer.Reload?.Diagnostics.Select(d => d.Message) ?? answer.Preview?.Diagnostics.Select(d => d.Message) ?? []);

    private static void AssertNoKeyIn(string text)
    {
        foreach (var key in new[] { OlderKey, OldKey, NewKey })
        {
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        }
    }
}
