using System.Net;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>The secured stage: the node key is judged as soon as TLS has made it known, before any ClientHello.</summary>
public sealed class SecuredStageTests
{
    private const string Secret = "0123456789abcdef-network";

    public static TheoryData<string, int?, DenyReason> Cases => new()
    {
        // policy, presented key (null = no certificate), expected
        { string.Empty, 1, DenyReason.None },
        { string.Empty, null, DenyReason.AuthenticationRequired },
        { "REQUIRE_NODE_AUTHENTICATION=false", null, DenyReason.None },
        { $"REQUIRE_NODE_AUTHENTICATION=false\nALLOWED_NODE_KEYS={TestKeys.Hex(1)}", null, DenyReason.AuthenticationRequired },
        { $"BLOCKED_NODE_KEYS={TestKeys.Hex(1)}", 1, DenyReason.NodeBlocked },
        { $"BLOCKED_NODE_KEYS={TestKeys.Hex(1)}", 2, DenyReason.None },
        { $"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\nBLOCKED_NODE_KEYS={TestKeys.Hex(1)}", 1, DenyReason.NodeBlocked },
        { $"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}", 1, DenyReason.None },
        { $"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}", 3, DenyReason.NodeNotAllowed },
        // The network-key proof needs the ClientHello: the secured stage does not judge it.
        { $"NETWORK_SECRET_KEY={Secret}", 1, DenyReason.None },
        { $"ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\nBLOCKED_NODE_KEYS={TestKeys.Hex(1)}", 1, DenyReason.None },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EvaluateSecured_Case_GivesExpectedReason(string policy, int? key, DenyReason expected)
    {
        using var h = new ManagerHarness(policy + "\n");
        var slot = h.Manager.OnNewConnection(IPAddress.Parse("127.0.0.5")).Slot!;
        NodeKey? nodeKey = key is { } n ? TestKeys.Key(n) : null;

        var decision = h.Manager.EvaluateSecured(slot, nodeKey);

        Assert.Equal(expected, decision.Reason);
        Assert.Equal(expected == DenyReason.None, slot.Secured);
        Assert.False(slot.Authenticated); // secured is not welcomed: the node handshake is still to come
        if (expected == DenyReason.None)
        {
            Assert.Equal(nodeKey, slot.NodeKey);
        }
        else
        {
            Assert.Equal(1, h.Manager.RefusalCounts[expected]);
        }
    }

    [Fact]
    public void EvaluateSecured_UnlistedNode_IsReportedForThePendingList()
    {
        using var h = new ManagerHarness($"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\n");
        var slot = h.Manager.OnNewConnection(IPAddress.Parse("127.0.0.6")).Slot!;
        var seen = new List<NodeRefusedEventArgs>();
        h.Manager.NodeRefused += (_, e) => seen.Add(e);

        h.Manager.EvaluateSecured(slot, TestKeys.Key(7));

        var refused = Assert.Single(seen);
        Assert.Equal((TestKeys.Key(7), DenyReason.NodeNotAllowed), (refused.Key, refused.Reason));
        Assert.Single(h.Logger.WithEvent(2000));
    }

    [Fact]
    public void EvaluateNode_ProofOfASecretReplacedBeforeTheGate_IsRefusedWithProofFailed()
    {
        // The ClientHello's proof is checked against the secret in force; a reload changes the secret before the
        // node gate decides. The proof was of a secret no longer accepted, so it proves nothing.
        using var h = new ManagerHarness($"NETWORK_SECRET_KEY={Secret}\n");
        var slot = h.Manager.OnNewConnection(IPAddress.Parse("127.0.0.7")).Slot!;
        var challenge = NetworkKeyProof.NewChallenge();
        var (client, server) = (TestKeys.Key(1), TestKeys.Key(2));
        Assert.True(h.Manager.VerifyNetworkKey(slot, challenge, client, server, NetworkKeyProof.Compute(Secret, challenge, client, server)));

        h.Apply($"NETWORK_SECRET_KEY={Secret}-rotated\n");
        var decision = h.Manager.EvaluateNode(slot, client);

        Assert.Equal(DenyReason.NetworkKeyProofFailed, decision.Reason);
        Assert.False(slot.Authenticated);
    }

    [Fact]
    public void EvaluateNode_ProofVerifiedWithoutSecretThenSecretSet_IsRefusedWithProofFailed()
    {
        using var h = new ManagerHarness(string.Empty);
        var slot = h.Manager.OnNewConnection(IPAddress.Parse("127.0.0.8")).Slot!;
        Assert.True(h.Manager.VerifyNetworkKey(slot, NetworkKeyProof.NewChallenge(), TestKeys.Key(1), TestKeys.Key(2), []));

        h.Apply($"NETWORK_SECRET_KEY={Secret}\n");

        Assert.Equal(DenyReason.NetworkKeyProofFailed, h.Manager.EvaluateNode(slot, TestKeys.Key(1)).Reason);
    }

    [Fact]
    public void EvaluateNode_ValidProofOfTheSecretInForce_IsWelcomed()
    {
        using var h = new ManagerHarness($"NETWORK_SECRET_KEY={Secret}\n");
        var slot = h.Manager.OnNewConnection(IPAddress.Parse("127.0.0.9")).Slot!;
        var challenge = NetworkKeyProof.NewChallenge();
        var (client, server) = (TestKeys.Key(1), TestKeys.Key(2));

        Assert.False(h.Manager.VerifyNetworkKey(slot, challenge, client, server, NetworkKeyProof.Compute("other", challenge, client, server)));
        Assert.Equal(DenyReason.NetworkKeyProofFailed, h.Manager.EvaluateNode(slot, client).Reason);

        var second = h.Manager.OnNewConnection(IPAddress.Parse("127.0.0.9")).Slot!;
        Assert.True(h.Manager.VerifyNetworkKey(second, challenge, client, server, NetworkKeyProof.Compute(Secret, challenge, client, server)));
        Assert.True(h.Manager.EvaluateNode(second, client).Allowed);
    }
}
