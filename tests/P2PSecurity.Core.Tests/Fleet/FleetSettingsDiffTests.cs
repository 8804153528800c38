using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Fleet;

/// <summary>FLEET_* on a reload: each change is a line of the reload (no "takes effect at restart": the fleet re-connects), and a password never shows.</summary>
public sealed class FleetSettingsDiffTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fleetdiff").FullName;

    private static string Fleet(string url = "redis://10.0.0.5:6379/0", string name = "prod", string keys = "") =>
        $"FLEET_REDIS={url}\nFLEET_NAME={name}\nFLEET_OPERATOR_KEYS={(keys.Length == 0 ? TestKeys.Hex(1) : keys)}\n";

    [Fact]
    public void Diff_FleetTurnedOnAndOff_OneLineEach_NoRestartNote()
    {
        var on = Changes("", Fleet());
        var off = Changes(Fleet(), "");

        Assert.Equal(["FLEET_REDIS: (none) -> redis://10.0.0.5:6379/0: the node joins fleet prod"], on);
        Assert.Equal(["FLEET_REDIS: redis://10.0.0.5:6379/0 -> (none): the node leaves fleet prod; its fleet decisions are no longer enforced"], off);
    }

    [Fact]
    public void Diff_HubNameAndOperatorKeysChanged_EachNamedWithReconnect()
    {
        var changes = Changes(Fleet(), Fleet("redis://10.0.0.6:6380/1", "eu-1", $"{TestKeys.Hex(1)},{TestKeys.Hex(2)}"));

        Assert.Equal(
        [
            "FLEET_REDIS: redis://10.0.0.5:6379/0 -> redis://10.0.0.6:6380/1 (the fleet re-connects)",
            "FLEET_NAME: prod -> eu-1 (the fleet re-connects)",
            $"FLEET_OPERATOR_KEYS: added {TestKeys.Key(2).ToShortString()} (the fleet re-connects)",
        ], changes);
        Assert.DoesNotContain(changes, c => c.Contains("restart", StringComparison.Ordinal));
    }

    [Fact]
    public void Diff_SameFleet_NoLine_AndSettingsAreTheSame()
    {
        var a = Load(Fleet() + "MAX_CONNECTIONS=5\n");
        var b = Load(Fleet() + "MAX_CONNECTIONS=6\n");

        Assert.True(FleetSettingsDiff.Same(a.Fleet, b.Fleet));
        Assert.DoesNotContain(PolicyDiff.Compute(a, b), c => c.StartsWith("FLEET_", StringComparison.Ordinal));
        Assert.False(FleetSettingsDiff.Same(a.Fleet, null));
        Assert.True(FleetSettingsDiff.Same(null, null));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Diff_PasswordFileContentChanged_SaidWithoutTheValue()
    {
        var file = Path.Combine(_dir, "redis.pw");
        File.WriteAllText(file, "first-secret-value\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var before = Load(Fleet() + $"FLEET_REDIS_PASSWORD_FILE={file}\n");
        File.WriteAllText(file, "second-secret-value\n");
        var after = Load(Fleet() + $"FLEET_REDIS_PASSWORD_FILE={file}\n");

        var changes = PolicyDiff.Compute(before, after);

        Assert.False(FleetSettingsDiff.Same(before.Fleet, after.Fleet));
        var line = Assert.Single(changes);
        Assert.StartsWith("FLEET_REDIS_PASSWORD_FILE: the Redis password changed", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", line, StringComparison.Ordinal);
    }

    private static IReadOnlyList<string> Changes(string before, string after) => PolicyDiff.Compute(Load(before), Load(after));

    private static SecurityPolicy Load(string text)
    {
        var result = PolicyLoader.Load(text, null, context: PolicyLoadContext.None);
        return result.Policy ?? throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
