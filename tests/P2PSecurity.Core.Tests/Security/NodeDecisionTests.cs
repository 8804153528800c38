using System.Net;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

public sealed class NodeDecisionTests
{
    private const string Secret = "0123456789abcdef-network";

    public static TheoryData<string, int?, bool, DenyReason> Cases => new()
    {
        // policy, presented key (null = no certificate), network key proven, expected
        { string.Empty, 1, false, DenyReason.None },
        { string.Empty, null, false, DenyReason.AuthenticationRequired },
        { "REQUIRE_NODE_AUTHENTICATION=false", null, false, DenyReason.None },
        { $"REQUIRE_NODE_AUTHENTICATION=false\nALLOWED_NODE_KEYS={TestKeys.Hex(1)}", null, false, DenyReason.AuthenticationRequired },
        { $"REQUIRE_NODE_AUTHENTICATION=false\nNETWORK_SECRET_KEY={Secret}", null, false, DenyReason.NetworkKeyProofFailed },
        { $"REQUIRE_NODE_AUTHENTICATION=false\nNETWORK_SECRET_KEY={Secret}", null, true, DenyReason.None },
        { $"BLOCKED_NODE_KEYS={TestKeys.Hex(1)}", 1, false, DenyReason.NodeBlocked },
        { $"BLOCKED_NODE_KEYS={TestKeys.Hex(1)}", 2, false, DenyReason.None },
        { $"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\nBLOCKED_NODE_KEYS={TestKeys.Hex(1)}", 1, true, DenyReason.NodeBlocked },
        { $"ALLOWED_NODE_KEYS={TestKeys.Hex(1)},{TestKeys.Hex(2)}", 2, false, DenyReason.None },
        { $"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}", 3, false, DenyReason.NodeNotAllowed },
        { $"NETWORK_SECRET_KEY={Secret}", 1, false, DenyReason.NetworkKeyProofFailed },
        { $"NETWORK_SECRET_KEY={Secret}", 1, true, DenyReason.None },
        { $"NETWORK_SECRET_KEY={Secret}\nALLOWED_NODE_KEYS={TestKeys.Hex(1)}", 3, true, DenyReason.NodeNotAllowed },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EvaluateNode_Case_GivesExpectedReason(string policy, int? key, bool proven, DenyReason expected)
    {
        using var h = new ManagerHarness(policy + "\n");
        var slot = h.Manager.OnNewConnection(IPAddress.Parse("127.0.0.5")).Slot!;
        NodeKey? nodeKey = key is { } n ? TestKeys.Key(n) : null;

        var decision = h.Manager.EvaluateNode(slot, nodeKey, proven);

        Assert.Equal(expected, decision.Reason);
        Assert.Equal(expected == DenyReason.None, slot.Authenticated);
        Assert.Equal(expected == DenyReason.None ? nodeKey : null, slot.NodeKey);
        if (expected != DenyReason.None)
        {
            Assert.Equal(1, h.Manager.RefusalCounts[expected]);
        }
    }

    [Fact]
    public void IsOriginBlocked_FollowsBlockAndAllowLists()
    {
        using var h = new ManagerHarness($"ALLOWED_NODE_KEYS={TestKeys.Hex(1)},{TestKeys.Hex(2)}\nBLOCKED_NODE_KEYS={TestKeys.Hex(2)}\n");

        Assert.False(h.Manager.IsOriginBlocked(TestKeys.Key(1)));
        Assert.True(h.Manager.IsOriginBlocked(TestKeys.Key(2)));
        Assert.True(h.Manager.IsOriginBlocked(TestKeys.Key(3)));
    }

    [Fact]
    public void VerifyNetworkKey_RightAndWrongAnswers()
    {
        using var h = new ManagerHarness($"NETWORK_SECRET_KEY={Secret}\n");
        var challenge = NetworkKeyProof.NewChallenge();
        var client = TestKeys.Key(1);
        var server = TestKeys.Key(2);
        var answer = NetworkKeyProof.Compute(Secret, challenge, client, server);

        Assert.True(h.Manager.VerifyNetworkKey(challenge, client, server, answer));
        Assert.False(h.Manager.VerifyNetworkKey(challenge, client, server, NetworkKeyProof.Compute(Secret + "x", challenge, client, server)));
        Assert.False(h.Manager.VerifyNetworkKey(challenge, server, client, answer)); // bound to both identities
        Assert.False(h.Manager.VerifyNetworkKey(NetworkKeyProof.NewChallenge(), client, server, answer)); // bound to the challenge
        Assert.False(h.Manager.VerifyNetworkKey(challenge, client, server, answer.AsSpan(1)));
        Assert.False(h.Manager.VerifyNetworkKey(challenge.AsSpan(1), client, server, answer));
    }

    [Fact]
    public void VerifyNetworkKey_NoSecretConfigured_AcceptsAnything()
    {
        using var h = new ManagerHarness(string.Empty);

        Assert.True(h.Manager.VerifyNetworkKey([], TestKeys.Key(1), TestKeys.Key(2), []));
    }

    [Fact]
    public void ReportRefusal_CountsAndLogs()
    {
        using var h = new ManagerHarness(string.Empty);

        h.Manager.ReportRefusal(IPAddress.Parse("::ffff:192.0.2.5"), TestKeys.Key(4), DenyReason.AuthenticationFailed);

        Assert.Equal(1, h.Manager.RefusalCounts[DenyReason.AuthenticationFailed]);
        var line = Assert.Single(h.Logger.WithEvent(2000));
        Assert.Equal($"connection_refused remote=192.0.2.5 node={TestKeys.Hex(4)[..16]} reason=authentication_failed: authentication failed", line);
    }
}
