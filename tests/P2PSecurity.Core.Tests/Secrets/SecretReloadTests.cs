using System.Net;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Secrets;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Secrets;

/// <summary>The secret file is watched like the policy file; a rotation keeps sessions proven with an accepted key only.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretReloadTests : IDisposable
{
    private const string OldKey = "Old-network-key-0123456789";
    private const string NewKey = "New-network-key-ABCDEFGHIJKLM";
    private readonly SecretSources _s = new();
    private readonly CapturingLogger _log = new();
    private SecurityManager? _manager;

    private SecurityManager Start(string env)
    {
        _s.WriteEnv(env);
        _manager = SecurityManager.Create(_s.EnvPath, _log, new FakeTimeProvider(), PolicyLoadContext.None);
        _manager.SettleWindow = TimeSpan.Zero;
        return _manager;
    }

    [Fact]
    public void Check_SecretFileChanged_ReloadsTheKeyAndLogsOnlyFingerprints()
    {
        _s.WriteSecret("network.key", OldKey + "\n");
        var manager = Start("NETWORK_SECRET_KEY_FILE=network.key\n");

        _s.WriteSecret("network.key", NewKey + "\n");
        var applied = manager.CheckConfigReload("poll");

        Assert.True(applied);
        Assert.Equal(NewKey, manager.Policy.NetworkSecretKey);
        var (oldFp, newFp) = (KeyFingerprint.Of(OldKey), KeyFingerprint.Of(NewKey));
        Assert.Contains($"network_key_rotated old={oldFp} new={newFp} revision=2", _log.Messages);
        Assert.Contains($"policy_change revision=2 NETWORK_SECRET_KEY: changed, fingerprint {oldFp} -> {newFp} (value hidden)", _log.Messages);
        Assert.DoesNotContain("network-key", _log.AllText, StringComparison.Ordinal);
        Assert.False(manager.CheckConfigReload("poll"));
    }

    [Fact]
    public void Reload_SecretFileMadeReadableByOthers_KeepsTheLastGoodPolicyNamingFileAndMode()
    {
        var path = _s.WriteSecret("network.key", OldKey);
        var manager = Start("NETWORK_SECRET_KEY_FILE=network.key\n");

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var checkApplied = manager.CheckConfigReload("poll");
        var explicitReload = manager.Reload("test");

        Assert.False(checkApplied);
        Assert.Equal(ReloadOutcome.Invalid, explicitReload.Outcome);
        Assert.Equal(1, manager.Policy.Revision);
        Assert.Equal(OldKey, manager.Policy.NetworkSecretKey);
        Assert.Contains($"NETWORK_SECRET_KEY_FILE line 1: {path} has mode 0644: group or others can read or write it; chmod 600 {path}",
            explicitReload.Diagnostics.Select(d => d.ToString()));
        Assert.Contains(_log.Messages, m => m.StartsWith($"policy_error NETWORK_SECRET_KEY_FILE line 1: {path} has mode 0644", StringComparison.Ordinal));
    }

    [Fact]
    public void Rotation_BothKeysAcceptedThenOnlyTheNew_EvictsSessionsProvenWithTheOld()
    {
        _s.WriteSecret("old.key", OldKey);
        var manager = Start($"NETWORK_SECRET_KEY={NewKey}\nNETWORK_SECRET_KEY_PREVIOUS_FILE=old.key\n");
        var (server, client) = (TestKeys.Key(1), TestKeys.Key(2));
        var oldSession = Welcome(manager, client, OldKey, server);
        var newSession = Welcome(manager, TestKeys.Key(3), NewKey, server);
        var evicted = new List<(long Id, DenyReason Reason)>();
        oldSession.OnEvict(d => evicted.Add((oldSession.Id, d.Reason)));
        newSession.OnEvict(d => evicted.Add((newSession.Id, d.Reason)));

        Assert.Equal(KeyFingerprint.Of(OldKey), oldSession.NetworkKeyFingerprint);
        Assert.Equal(KeyFingerprint.Of(NewKey), newSession.NetworkKeyFingerprint);

        _s.WriteEnv($"NETWORK_SECRET_KEY={NewKey}\n");
        var result = manager.Reload("test");

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Equal(1, result.SessionsClosed);
        Assert.Equal([(oldSession.Id, DenyReason.NetworkKeyProofFailed)], evicted);
        var late = manager.OnNewConnection(IPAddress.Loopback).Slot!;
        var challenge = NetworkKeyProof.NewChallenge();
        Assert.False(manager.VerifyNetworkKey(late, challenge, client, server, NetworkKeyProof.Compute(OldKey, challenge, client, server)));
        Assert.Equal(DenyReason.NetworkKeyProofFailed, manager.EvaluateNode(late, client).Reason);
    }

    [Fact]
    public void ProveNetworkKey_PeerProvedThePrevious_AnswersWithThePrevious()
    {
        var manager = Start($"NETWORK_SECRET_KEY={NewKey}\nNETWORK_SECRET_KEY_PREVIOUS={OldKey}\n");
        var challenge = NetworkKeyProof.NewChallenge();
        var (client, server) = (TestKeys.Key(2), TestKeys.Key(1));

        var toOld = manager.ProveNetworkKey(challenge, client, server, KeyFingerprint.Of(OldKey));
        var toNew = manager.ProveNetworkKey(challenge, client, server, KeyFingerprint.Of(NewKey));
        var unsolicited = manager.ProveNetworkKey(challenge, client, server);

        Assert.Equal(NetworkKeyProof.Compute(OldKey, challenge, client, server), toOld);
        Assert.Equal(NetworkKeyProof.Compute(NewKey, challenge, client, server), toNew);
        Assert.Equal(toNew, unsolicited);
    }

    [Fact]
    public void Reload_KeySetWhereNoneWas_EvictsSessionsThatProvedNothing()
    {
        var manager = Start("MAX_CONNECTIONS_PER_IP=5\n");
        var slot = manager.OnNewConnection(IPAddress.Loopback).Slot!;
        Assert.True(manager.EvaluateNode(slot, TestKeys.Key(2), networkKeyProven: true).Allowed);
        Assert.Null(slot.NetworkKeyFingerprint);
        var evicted = new List<DenyReason>();
        slot.OnEvict(d => evicted.Add(d.Reason));

        _s.WriteEnv($"MAX_CONNECTIONS_PER_IP=5\nNETWORK_SECRET_KEY={NewKey}\n");
        manager.Reload("test");

        Assert.Equal([DenyReason.NetworkKeyProofFailed], evicted);
    }

    private static ConnectionSlot Welcome(SecurityManager manager, NodeKey client, string secret, NodeKey server)
    {
        var slot = manager.OnNewConnection(IPAddress.Loopback).Slot!;
        var challenge = NetworkKeyProof.NewChallenge();
        Assert.True(manager.VerifyNetworkKey(slot, challenge, client, server, NetworkKeyProof.Compute(secret, challenge, client, server)));
        Assert.True(manager.EvaluateNode(slot, client).Allowed);
        return slot;
    }

    public void Dispose()
    {
        _manager?.Dispose();
        _s.Dispose();
    }
}
