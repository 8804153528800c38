using System.Net;
using P2PSecurity.Core.Editing;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>
/// What a reload evicts: every connection past the accept gate, judged on what is known of it at that moment
/// (address; key once TLS is up; the network secret it proved once welcomed).
/// </summary>
public sealed class LiveEvictionTests
{
    private const string Secret = "0123456789abcdef-network";

    [Fact]
    public void Reload_KeyBlockedWhileWaitingForClientHello_EvictsWithNodeBlocked()
    {
        using var h = new ManagerHarness(string.Empty);
        var pending = Secured(h, "10.0.0.1", TestKeys.Key(1));
        var bystander = Secured(h, "10.0.0.2", TestKeys.Key(2));

        var result = h.Apply($"BLOCKED_NODE_KEYS={TestKeys.Hex(1)}\n");

        Assert.Equal(1, result.SessionsClosed);
        Assert.Equal([DenyReason.NodeBlocked], pending.Evictions);
        Assert.Empty(bystander.Evictions);
    }

    [Fact]
    public void Reload_AfterAWriteThePollAppliedFirst_AnswersWithThatReloadAndItsEvictions()
    {
        using var h = new ManagerHarness(string.Empty);
        var pending = Secured(h, "10.0.0.1", TestKeys.Key(1));
        var text = $"BLOCKED_NODE_KEYS={TestKeys.Hex(1)}\n";
        h.Write(text);
        Assert.True(h.Manager.CheckConfigReload()); // the poll, before the writer's own reload request arrives

        var plain = h.Manager.Reload("control");
        var written = h.Manager.Reload("control", acceptEmpty: false, PolicyFileRewriter.Sha256(text));
        var other = h.Manager.Reload("control", acceptEmpty: false, PolicyFileRewriter.Sha256("BLOCKED_NODE_KEYS=\n"));

        Assert.Equal(ReloadOutcome.Unchanged, plain.Outcome);
        Assert.Equal(ReloadOutcome.Applied, written.Outcome);
        Assert.Equal(2, written.Revision);
        Assert.Equal(1, written.SessionsClosed);
        Assert.Single(written.Changes);
        Assert.Equal(ReloadOutcome.Unchanged, other.Outcome); // bytes that are not the ones in force: no borrowed answer
        Assert.Equal([DenyReason.NodeBlocked], pending.Evictions);
    }

    [Fact]
    public void Reload_WhitelistTurnedOnWhileWaitingForClientHello_EvictsUnlistedKey()
    {
        using var h = new ManagerHarness(string.Empty);
        var unlisted = Secured(h, "10.0.0.1", TestKeys.Key(1));
        var listed = Secured(h, "10.0.0.2", TestKeys.Key(2));

        h.Apply($"ALLOWED_NODE_KEYS={TestKeys.Hex(2)}\n");

        Assert.Equal([DenyReason.NodeNotAllowed], unlisted.Evictions);
        Assert.Empty(listed.Evictions);
    }

    [Fact]
    public void Reload_AddressBlockedWhileInTls_EvictsWithIpBlocked()
    {
        using var h = new ManagerHarness(string.Empty);
        var inTls = Watch(h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.3")).Slot!);

        h.Apply("BLOCKED_IP_ADDRESSES=10.0.0.0/24\n");

        Assert.Equal([DenyReason.IpBlocked], inTls.Evictions);
    }

    [Theory]
    [InlineData("REQUIRE_NODE_AUTHENTICATION=true")]
    [InlineData("REQUIRE_NODE_AUTHENTICATION=false\nALLOWED_NODE_KEYS=" + "0000000000000000000000000000000000000000000000000000000000000001")]
    public void Reload_AuthenticationRequiredOrWhitelistOn_EvictsAnonymousSessions(string after)
    {
        using var h = new ManagerHarness("REQUIRE_NODE_AUTHENTICATION=false\n");
        var welcomed = Watch(h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.4")).Slot!);
        Assert.True(h.Manager.EvaluateSecured(welcomed.Slot, null).Allowed);
        Assert.True(h.Manager.EvaluateNode(welcomed.Slot, null, networkKeyProven: false).Allowed);
        var pending = Secured(h, "10.0.0.5", null);

        var result = h.Apply(after + "\n");

        Assert.Equal(2, result.SessionsClosed);
        Assert.Equal([DenyReason.AuthenticationRequired], welcomed.Evictions);
        Assert.Equal([DenyReason.AuthenticationRequired], pending.Evictions);
    }

    [Fact]
    public void Reload_UnrelatedChange_KeepsAnonymousSessions()
    {
        using var h = new ManagerHarness("REQUIRE_NODE_AUTHENTICATION=false\n");
        var anonymous = Welcomed(h, "10.0.0.6", null, secret: null);

        var result = h.Apply($"REQUIRE_NODE_AUTHENTICATION=false\nBLOCKED_NODE_KEYS={TestKeys.Hex(9)}\n");

        Assert.Equal(0, result.SessionsClosed);
        Assert.Empty(anonymous.Evictions);
    }

    [Fact]
    public void Reload_NetworkSecretChanged_EvictsSessionsProvenWithTheOldOneWithProofFailed()
    {
        using var h = new ManagerHarness($"NETWORK_SECRET_KEY={Secret}\nREQUIRE_NODE_AUTHENTICATION=false\n");
        var node = Welcomed(h, "10.0.0.7", TestKeys.Key(1), Secret);
        var anonymous = Welcomed(h, "10.0.0.8", null, Secret);

        var result = h.Apply($"NETWORK_SECRET_KEY={Secret}-new\nREQUIRE_NODE_AUTHENTICATION=false\n");

        Assert.Equal(2, result.SessionsClosed);
        Assert.Equal([DenyReason.NetworkKeyProofFailed], node.Evictions);
        Assert.Equal([DenyReason.NetworkKeyProofFailed], anonymous.Evictions);
        Assert.Equal(2, h.Logger.WithEvent(2003).Count);
        Assert.DoesNotContain(Secret, h.Logger.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public void Reload_NetworkSecretUnchanged_KeepsProvenSessions()
    {
        using var h = new ManagerHarness($"NETWORK_SECRET_KEY={Secret}\n");
        var node = Welcomed(h, "10.0.0.9", TestKeys.Key(1), Secret);

        var result = h.Apply($"NETWORK_SECRET_KEY={Secret}\nBLOCKED_NODE_KEYS={TestKeys.Hex(9)}\n");

        Assert.Equal(0, result.SessionsClosed);
        Assert.Empty(node.Evictions);
    }

    [Fact]
    public void Reload_NetworkSecretSetWhereThereWasNone_EvictsSessionsThatProvedNothing()
    {
        using var h = new ManagerHarness(string.Empty);
        var node = Welcomed(h, "10.0.0.10", TestKeys.Key(1), secret: null);

        h.Apply($"NETWORK_SECRET_KEY={Secret}\n");

        Assert.Equal([DenyReason.NetworkKeyProofFailed], node.Evictions);
    }

    [Fact]
    public void Reload_NetworkSecretRemoved_KeepsSessions()
    {
        using var h = new ManagerHarness($"NETWORK_SECRET_KEY={Secret}\n");
        var node = Welcomed(h, "10.0.0.11", TestKeys.Key(1), Secret);

        h.Apply("MAX_CONNECTIONS_PER_IP=20\n");

        Assert.Empty(node.Evictions);
    }

    [Fact]
    public void EvaluateLive_PendingSlotDoesNotNeedAProofYet()
    {
        // A connection still waiting for its ClientHello has proved nothing; a secret change is judged at its hello.
        using var h = new ManagerHarness($"NETWORK_SECRET_KEY={Secret}\n");
        var pending = Secured(h, "10.0.0.12", TestKeys.Key(1));

        h.Apply($"NETWORK_SECRET_KEY={Secret}-new\n");

        Assert.Empty(pending.Evictions);
    }

    private static Watched Secured(ManagerHarness h, string ip, NodeKey? key)
    {
        var slot = h.Manager.OnNewConnection(IPAddress.Parse(ip)).Slot!;
        Assert.True(h.Manager.EvaluateSecured(slot, key).Allowed);
        return Watch(slot);
    }

    /// <summary>A connection taken through TLS, a ClientHello proving <paramref name="secret"/> (null: no proof) and the node gate.</summary>
    private static Watched Welcomed(ManagerHarness h, string ip, NodeKey? key, string? secret)
    {
        var watched = Secured(h, ip, key);
        var challenge = NetworkKeyProof.NewChallenge();
        var server = TestKeys.Key(100);
        var client = key ?? default;
        var proof = secret is null ? [] : NetworkKeyProof.Compute(secret, challenge, client, server);
        h.Manager.VerifyNetworkKey(watched.Slot, challenge, client, server, proof);
        Assert.True(h.Manager.EvaluateNode(watched.Slot, key).Allowed);
        return watched;
    }

    private static Watched Watch(ConnectionSlot slot)
    {
        var watched = new Watched(slot);
        slot.OnEvict(d =>
        {
            lock (watched.Evictions)
            {
                watched.Evictions.Add(d.Reason);
            }
        });
        return watched;
    }

    private sealed record Watched(ConnectionSlot Slot)
    {
        public List<DenyReason> Evictions { get; } = [];
    }
}
