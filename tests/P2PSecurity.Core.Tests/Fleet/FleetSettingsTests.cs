using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Fleet;

/// <summary>FLEET_*: off by default, every error names its line, a password never sits in the file or an error.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FleetSettingsTests
{
    private static readonly string Op = TestKeys.Hex(1);

    [Fact]
    public void Load_NoFleetRedis_FleetOff()
    {
        var result = PolicyLoader.Load("MAX_CONNECTIONS_PER_IP=3\n", null, context: PolicyLoadContext.None);

        Assert.Null(result.Policy!.Fleet);
    }

    [Fact]
    public void Load_FleetRedis_ReadsHostPortDbNameAndDefaults()
    {
        var result = PolicyLoader.Load($"NODE_IDENTITY_FILE=me.pem\nFLEET_REDIS=redis://10.0.0.5:6380/2\nFLEET_OPERATOR_KEYS={Op}\n", null, context: PolicyLoadContext.None);

        var fleet = result.Policy!.Fleet!;
        Assert.Equal(("10.0.0.5", 6380, 2), (fleet.Host, fleet.Port, fleet.Database));
        Assert.Equal("default", fleet.Name);
        Assert.Equal("me.pem", fleet.OperatorIdentityFile);
        Assert.Equal([TestKeys.Key(1)], fleet.OperatorKeys.ToArray());
        Assert.Equal("redis://10.0.0.5:6380/2", fleet.Display);
        Assert.Equal("p2psecurity:fleet:default:decisions", fleet.StreamKey);
    }

    [Fact]
    public void Load_IPv6HostAndDefaultPort_Read()
    {
        var fleet = PolicyLoader.Load($"FLEET_REDIS=redis://[::1]\nFLEET_OPERATOR_KEYS={Op}\nFLEET_NAME=eu-1\n", null, context: PolicyLoadContext.None).Policy!.Fleet!;

        Assert.Equal(("::1", 6379, "eu-1"), (fleet.Host, fleet.Port, fleet.Name));
        Assert.Equal("redis://[::1]:6379/0", fleet.Display);
    }

    [Theory]
    [InlineData("FLEET_REDIS=http://10.0.0.5\n", 1, "is not a Redis URL")]
    [InlineData("FLEET_REDIS=redis://10.0.0.5/abc\n", 1, "is not a database number")]
    [InlineData("\nFLEET_REDIS=redis://10.0.0.5\nFLEET_NAME=bad name!\n", 3, "is not a fleet name")]
    public void Load_BadFleetSetting_ErrorNamesTheLine(string lines, int line, string expected)
    {
        var result = PolicyLoader.Load(lines + $"FLEET_OPERATOR_KEYS={Op}\n", null, context: PolicyLoadContext.None);

        Assert.Null(result.Policy);
        var error = Assert.Single(result.Errors);
        Assert.Equal(line, error.Line);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PasswordInUrl_ErrorWithoutThePassword()
    {
        var result = PolicyLoader.Load($"FLEET_REDIS=redis://app:hunter2secret@10.0.0.5\nFLEET_OPERATOR_KEYS={Op}\n", null, context: PolicyLoadContext.None);

        var error = Assert.Single(result.Errors);
        Assert.Contains("FLEET_REDIS_PASSWORD_FILE", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoOperatorKeys_Error()
    {
        var result = PolicyLoader.Load("FLEET_REDIS=redis://10.0.0.5\n", null, context: PolicyLoadContext.None);

        var error = Assert.Single(result.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains("needs FLEET_OPERATOR_KEYS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PasswordFile_ReadOwnerOnly_SourceShown()
    {
        using var dir = new TempFolder();
        var file = dir.Write("redis.pw", "s3cret-password\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var fleet = PolicyLoader.Load($"FLEET_REDIS=redis://app@10.0.0.5\nFLEET_REDIS_PASSWORD_FILE={file}\nFLEET_OPERATOR_KEYS={Op}\n", null, context: PolicyLoadContext.None).Policy!.Fleet!;

        Assert.Equal("s3cret-password", fleet.Password);
        Assert.Equal("app", fleet.User);
        Assert.Contains("FLEET_REDIS_PASSWORD_FILE", fleet.PasswordSource, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", fleet.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PasswordFileAndCredential_ErrorNamingBoth()
    {
        using var dir = new TempFolder();
        var file = dir.Write("redis.pw", "a-password-here\n");
        var credential = dir.Write("fleet_redis_password", "another-password\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(credential, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var result = PolicyLoader.Load($"FLEET_REDIS=redis://10.0.0.5\nFLEET_REDIS_PASSWORD_FILE={file}\nFLEET_OPERATOR_KEYS={Op}\n", null,
            context: new PolicyLoadContext { CredentialsDirectory = dir.Path });

        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("more than one place", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SystemdCredential_Read()
    {
        using var dir = new TempFolder();
        var credential = dir.Write("fleet_redis_password", "from-systemd-credential\n");
        File.SetUnixFileMode(credential, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var fleet = PolicyLoader.Load($"FLEET_REDIS=redis://10.0.0.5\nFLEET_OPERATOR_KEYS={Op}\n", null,
            context: new PolicyLoadContext { CredentialsDirectory = dir.Path }).Policy!.Fleet!;

        Assert.Equal("from-systemd-credential", fleet.Password);
        Assert.StartsWith("systemd credential", fleet.PasswordSource, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FleetKeysWithoutFleetRedis_Warned()
    {
        var result = PolicyLoader.Load("FLEET_NAME=prod\n", null, context: PolicyLoadContext.None);

        Assert.NotNull(result.Policy);
        Assert.Contains(result.Warnings, w => w.Message.Contains("has no effect without FLEET_REDIS", StringComparison.Ordinal));
    }
}
