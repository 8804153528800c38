using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>
/// A policy file rewritten in place is empty for a moment (truncate, then write). Found by the held-load harness
/// (docs/RELIABILITY.md): a reload in that moment applied the empty file, i.e. the embedded defaults, and dropped
/// the allow list (whitelist to open) until the write landed.
/// </summary>
public sealed class InPlaceWriteTests : IDisposable
{
    private const string Allowed = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("p2psec-inplace-");

    private string EnvPath => Path.Combine(_dir.FullName, ".env");

    [Fact]
    public void Reload_FileJustEmptied_KeepsPolicyInForce()
    {
        File.WriteAllText(EnvPath, $"ALLOWED_NODE_KEYS={Allowed}\nBLOCKED_IP_ADDRESSES=10.0.0.0/8\n");
        using var manager = SecurityManager.Create(EnvPath);

        File.WriteAllBytes(EnvPath, []); // the truncate of an in-place write, before its data
        var result = manager.Reload("test");

        Assert.Equal(ReloadOutcome.Unchanged, result.Outcome);
        Assert.Equal(1, manager.Policy.Revision);
        Assert.True(manager.Policy.WhitelistMode);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("was just emptied", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckConfigReload_WriteLandsAfterTheTruncate_AppliesTheNewContentOnly()
    {
        File.WriteAllText(EnvPath, $"ALLOWED_NODE_KEYS={Allowed}\n");
        using var manager = SecurityManager.Create(EnvPath);
        File.WriteAllBytes(EnvPath, []);
        Assert.False(manager.CheckConfigReload());

        File.WriteAllText(EnvPath, $"ALLOWED_NODE_KEYS={Allowed}\nMAX_CONNECTIONS_PER_IP=7\n");

        Assert.True(manager.CheckConfigReload());
        Assert.Equal(2, manager.Policy.Revision);
        Assert.Equal(7, manager.Policy.MaxConnectionsPerIp);
        Assert.True(manager.Policy.WhitelistMode);
    }

    [Fact]
    public void Reload_FileEmptyForLongerThanTheRacyWindow_AppliesDefaults()
    {
        File.WriteAllText(EnvPath, $"ALLOWED_NODE_KEYS={Allowed}\n");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var manager = SecurityManager.Create(EnvPath, time: time);
        File.WriteAllBytes(EnvPath, []);
        Assert.Equal(ReloadOutcome.Unchanged, manager.Reload("test").Outcome);

        // An operator who empties the file on purpose: it is still empty ten seconds later.
        time.Advance(TimeSpan.FromSeconds(10));
        var result = manager.Reload("test");

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.False(manager.Policy.WhitelistMode);
    }

    [Fact]
    public void Reload_EmptyFileWhenNothingWasLoadedFromAFile_IsApplied()
    {
        using var manager = SecurityManager.Create(EnvPath); // no file: embedded defaults
        File.WriteAllBytes(EnvPath, []);

        var result = manager.Reload("test");

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Equal(SecurityPolicy.Defaults.MaxConnectionsPerIp, manager.Policy.MaxConnectionsPerIp);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
