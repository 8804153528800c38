using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Secrets;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Secrets;

/// <summary>Where the network key may live: the .env, a NETWORK_SECRET_KEY_FILE, a systemd credential; one at a time.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NetworkKeySourceTests : IDisposable
{
    private const string Secret = "Vx9-file-secret-0123456789";
    private const string Other = "Qm4-credential-secret-98765";
    private readonly SecretSources _s = new();

    private PolicyLoadResult Load(string text, PolicyLoadContext? context = null) =>
        PolicyLoader.Load(text, _s.WriteEnv(text), null, context ?? PolicyLoadContext.None);

    [Fact]
    public void Load_SecretFile0600_UsesItWithoutTheTrailingNewline()
    {
        var path = _s.WriteSecret("network.key", Secret + "\n");

        var result = Load("NETWORK_SECRET_KEY_FILE=network.key\n");

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.Equal(Secret, result.Policy!.NetworkSecretKey);
        Assert.Equal($"NETWORK_SECRET_KEY_FILE {path}", result.Policy.NetworkKeySource);
        Assert.Contains(path, result.SecretFiles);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Load_CandidateSecrets_AreUsedInPlaceOfTheFiles_WhichAreNotRead()
    {
        var path = _s.WriteSecret("network.key", Secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead); // 0604: refused when read
        var envPath = _s.WriteEnv("x");
        var previous = Path.Combine(Path.GetDirectoryName(envPath)!, "network.key.previous"); // not on disk
        var context = PolicyLoadContext.None with { CandidateSecrets = new Dictionary<string, string> { [path] = Other, [previous] = Secret } };

        var result = Load($"NETWORK_SECRET_KEY_FILE=network.key\nNETWORK_SECRET_KEY_PREVIOUS_FILE={previous}\n", context);

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.Equal(Other, result.Policy!.NetworkSecretKey);
        Assert.Equal(Secret, result.Policy.NetworkSecretKeyPrevious);
        Assert.Equal($"NETWORK_SECRET_KEY_FILE {path}", result.Policy.NetworkKeySource);
        Assert.False(File.Exists(previous));
    }

    [Fact]
    public void Load_SecretFile0400_IsAccepted()
    {
        _s.WriteSecret("network.key", Secret, UnixFileMode.UserRead);

        var result = Load("NETWORK_SECRET_KEY_FILE=network.key\n");

        Assert.Equal(Secret, result.Policy?.NetworkSecretKey);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead, "0440")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite, "0602")]
    public void Load_SecretFileOthersCanReach_IsErrorNamingFileAndMode(UnixFileMode mode, string octal)
    {
        var path = _s.WriteSecret("network.key", Secret, mode);

        var result = Load("MAX_CONNECTIONS_PER_IP=4\nNETWORK_SECRET_KEY_FILE=network.key\n");

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal($"NETWORK_SECRET_KEY_FILE line 2: {path} has mode {octal}: group or others can read or write it; chmod 600 {path}", error.ToString());
        Assert.Contains(path, result.SecretFiles);
    }

    [Fact]
    public void Load_SecretFileMissingOrEmpty_IsError()
    {
        var missing = Load("NETWORK_SECRET_KEY_FILE=/nonexistent/p2p.key\n");
        var emptyPath = _s.WriteSecret("empty.key", "\n");
        var empty = Load("NETWORK_SECRET_KEY_FILE=empty.key\n");

        Assert.Equal("NETWORK_SECRET_KEY_FILE line 1: /nonexistent/p2p.key does not exist", Assert.Single(missing.Errors).ToString());
        Assert.Equal($"NETWORK_SECRET_KEY_FILE line 1: {emptyPath} is empty", Assert.Single(empty.Errors).ToString());
    }

    [Fact]
    public void Load_InlineAndFile_IsErrorNamingBoth()
    {
        _s.WriteSecret("network.key", Secret);

        var result = Load($"NETWORK_SECRET_KEY={Other}\nNETWORK_SECRET_KEY_FILE=network.key\n");

        var error = Assert.Single(result.Errors).ToString();
        Assert.Equal("NETWORK_SECRET_KEY line 2: is set in more than one place: NETWORK_SECRET_KEY (line 1) and NETWORK_SECRET_KEY_FILE (line 2); keep one", error);
    }

    [Fact]
    public void Load_SystemdCredential_IsUsed()
    {
        File.WriteAllText(_s.CredentialPath, Other);
        File.SetUnixFileMode(_s.CredentialPath, UnixFileMode.UserRead);

        var result = Load("MAX_CONNECTIONS_PER_IP=4\n", new PolicyLoadContext { CredentialsDirectory = _s.CredentialsDirectory });

        Assert.Equal(Other, result.Policy?.NetworkSecretKey);
        Assert.Equal($"systemd credential {_s.CredentialPath}", result.Policy!.NetworkKeySource);
        Assert.Equal(KeyFingerprint.Of(Other), result.Policy.NetworkKeyFingerprint);
    }

    [Fact]
    public void Load_SystemdCredentialAndFile_IsErrorNamingBoth()
    {
        File.WriteAllText(_s.CredentialPath, Other);
        File.SetUnixFileMode(_s.CredentialPath, UnixFileMode.UserRead);
        _s.WriteSecret("network.key", Secret);

        var result = Load("NETWORK_SECRET_KEY_FILE=network.key\n", new PolicyLoadContext { CredentialsDirectory = _s.CredentialsDirectory });

        Assert.Equal($"NETWORK_SECRET_KEY line 1: is set in more than one place: NETWORK_SECRET_KEY_FILE (line 1) and the systemd credential {_s.CredentialPath}; keep one",
            Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Load_InlineSecretInEnvOthersCanRead_WarnsWithTheMode()
    {
        var shared = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        var text = $"NETWORK_SECRET_KEY={Secret}\n";

        var sharedResult = PolicyLoader.Load(text, _s.WriteEnv(text, shared), null, PolicyLoadContext.None);
        var privateResult = PolicyLoader.Load(text, _s.WriteEnv(text), null, PolicyLoadContext.None);

        Assert.True(sharedResult.IsValid);
        Assert.Equal($"NETWORK_SECRET_KEY line 1: is written in {_s.EnvPath}, which group or others can read (mode 0644); chmod 600 it, or move the key to NETWORK_SECRET_KEY_FILE",
            Assert.Single(sharedResult.Warnings).ToString());
        Assert.Empty(privateResult.Diagnostics);
    }

    [Fact]
    public void Load_PreviousKeyFromFile_IsAcceptedBesideTheCurrent()
    {
        _s.WriteSecret("old.key", Other + "\r\n");

        var result = Load($"NETWORK_SECRET_KEY={Secret}\nNETWORK_SECRET_KEY_PREVIOUS_FILE=old.key\n");

        var policy = result.Policy!;
        Assert.Equal(Other, policy.NetworkSecretKeyPrevious);
        Assert.Equal(KeyFingerprint.Of(Other), policy.NetworkKeyPreviousFingerprint);
        Assert.True(NetworkSecretFingerprint.Of(Secret).IsAcceptedBy(policy));
        Assert.True(NetworkSecretFingerprint.Of(Other).IsAcceptedBy(policy));
        Assert.False(NetworkSecretFingerprint.Of("a-third-key-nobody-has").IsAcceptedBy(policy));
        Assert.False(NetworkSecretFingerprint.None.IsAcceptedBy(policy));
    }

    [Fact]
    public void Load_PreviousInlineAndFile_IsErrorNamingBoth()
    {
        _s.WriteSecret("old.key", Other);

        var result = Load($"NETWORK_SECRET_KEY={Secret}\nNETWORK_SECRET_KEY_PREVIOUS={Other}\nNETWORK_SECRET_KEY_PREVIOUS_FILE=old.key\n");

        Assert.Equal("NETWORK_SECRET_KEY_PREVIOUS line 3: is set in more than one place: NETWORK_SECRET_KEY_PREVIOUS (line 2) and NETWORK_SECRET_KEY_PREVIOUS_FILE (line 3); keep one",
            Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Load_PreviousWithoutCurrent_IsError()
    {
        var result = Load($"NETWORK_SECRET_KEY_PREVIOUS={Other}\n");

        Assert.Equal("NETWORK_SECRET_KEY_PREVIOUS line 1: is set but there is no current key: set NETWORK_SECRET_KEY (or NETWORK_SECRET_KEY_FILE) to the key this node proves with",
            Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Load_AnyOutcome_NeverShowsTheSecret()
    {
        _s.WriteSecret("shared.key", Secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        _s.WriteSecret("short.key", "Vx9");
        var texts = new[]
        {
            "NETWORK_SECRET_KEY_FILE=shared.key\n",
            $"NETWORK_SECRET_KEY={Secret}\nNETWORK_SECRET_KEY_FILE=shared.key\n",
            "NETWORK_SECRET_KEY_FILE=short.key\n",
            $"NETWORK_SECRET_KEY_PREVIOUS={Secret}\n",
            $"NETWORK_SECRET_KEY={Secret}\nNETWORK_SECRET_KEY_PREVIOUS={Secret}\n",
        };

        foreach (var text in texts)
        {
            var result = PolicyLoader.Load(text, _s.WriteEnv(text, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead), null, PolicyLoadContext.None);
            Assert.NotEmpty(result.Diagnostics);
            var shown = string.Join("\n", result.Diagnostics) + "\n" + result.Policy;
            Assert.DoesNotContain("Vx9", shown, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _s.Dispose();
}
