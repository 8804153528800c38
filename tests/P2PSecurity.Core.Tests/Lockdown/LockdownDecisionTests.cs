using System.Net;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Lockdown;

/// <summary>The kill switch at each gate: accept, node, live sessions; from the control channel and from LOCKDOWN=true.</summary>
public sealed class LockdownDecisionTests
{
    private const string Roomy = "MAX_CONNECTIONS_PER_IP=100\nCONNECTION_RATE_LIMIT=1000/min\n";
    private static readonly IPAddress Ip = IPAddress.Parse("10.0.0.7");

    [Fact]
    public void EvaluateAccept_LockedDown_RefusesWithLockdownUntilLifted()
    {
        using var h = new ManagerHarness(Roomy);
        h.Manager.EngageLockdown(new LockdownOptions { Reason = "leaked key" });

        var refused = h.Manager.OnNewConnection(Ip);
        Assert.Equal(DenyReason.Lockdown, refused.Decision.Reason);
        Assert.Null(refused.Slot);
        Assert.Equal("lockdown", DenyReason.Lockdown.Code());
        Assert.Equal(5, (int)DenyReason.Lockdown);
        Assert.Equal(1, h.Manager.RefusalCounts[DenyReason.Lockdown]);
        Assert.True(h.Manager.EvaluateAccept(Ip, outbound: true).Decision.Reason == DenyReason.Lockdown, "dialling is refused too");

        h.Manager.Lockdown.Lift();

        Assert.True(h.Manager.OnNewConnection(Ip).Allowed);
    }

    [Fact]
    public void EvaluateAccept_LockedDownWhileSecurityDisabled_StillRefuses()
    {
        using var h = new ManagerHarness("ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\n");
        h.Manager.EngageLockdown(new LockdownOptions());

        Assert.Equal(DenyReason.Lockdown, h.Manager.OnNewConnection(Ip).Decision.Reason);
    }

    [Fact]
    public void EngageLockdown_OpenSessions_AreEvictedWithLockdown()
    {
        using var h = new ManagerHarness(Roomy);
        var evicted = new List<DenyReason>();
        var session = Welcome(h, TestKeys.Key(1), evicted);
        var handshaking = h.Manager.OnNewConnection(Ip).Slot!;
        handshaking.OnEvict(d => evicted.Add(d.Reason));

        var (_, closed) = h.Manager.EngageLockdown(new LockdownOptions());

        Assert.Equal(2, closed);
        Assert.Equal([DenyReason.Lockdown, DenyReason.Lockdown], evicted);
        Assert.Equal(DenyReason.Lockdown, h.Manager.EvaluateEviction(session).Reason);
    }

    [Fact]
    public void EngageLockdown_KeepSessions_LeavesSessionsAndRefusesNewOnes()
    {
        using var h = new ManagerHarness(Roomy);
        var evicted = new List<DenyReason>();
        var session = Welcome(h, TestKeys.Key(1), evicted);

        var (_, closed) = h.Manager.EngageLockdown(new LockdownOptions { KeepSessions = true });

        Assert.Equal(0, closed);
        Assert.Empty(evicted);
        Assert.True(h.Manager.EvaluateEviction(session).Allowed);
        Assert.Equal(DenyReason.Lockdown, h.Manager.OnNewConnection(Ip).Decision.Reason);
    }

    [Fact]
    public void EngageLockdown_AllowTrusted_WelcomesAndKeepsOnlyAllowedKeys()
    {
        // Key 2 is welcomed while the allow list is empty and stays (EVICT_ON_POLICY_CHANGE=false) when key 1 is
        // written to it: an untrusted session that only the lockdown closes.
        using var h = new ManagerHarness(Roomy);
        var evicted = new List<DenyReason>();
        Welcome(h, TestKeys.Key(2), evicted);
        h.Apply(Roomy + $"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\nEVICT_ON_POLICY_CHANGE=false\n");
        var trustedEvictions = new List<DenyReason>();
        var trusted = Welcome(h, TestKeys.Key(1), trustedEvictions);

        var (_, closed) = h.Manager.EngageLockdown(new LockdownOptions { AllowTrusted = true });

        Assert.Equal(1, closed);
        Assert.Equal([DenyReason.Lockdown], evicted);
        Assert.Empty(trustedEvictions);
        Assert.True(h.Manager.EvaluateEviction(trusted).Allowed);
        Assert.True(h.Manager.ClientCertificateRequired);
        var accept = h.Manager.OnNewConnection(Ip);
        Assert.True(accept.Allowed, "with --allow-trusted a connection goes on to TLS");
        Assert.True(h.Manager.EvaluateNode(accept.Slot!, TestKeys.Key(1), networkKeyProven: true).Allowed);
        var other = h.Manager.OnNewConnection(Ip).Slot!;
        Assert.Equal(DenyReason.NodeNotAllowed, h.Manager.EvaluateNode(other, TestKeys.Key(3), networkKeyProven: true).Reason);
    }

    [Fact]
    public void EngageLockdown_AllowTrustedWithEmptyAllowList_WelcomesNobody()
    {
        using var h = new ManagerHarness(Roomy);
        h.Manager.EngageLockdown(new LockdownOptions { AllowTrusted = true });

        var slot = h.Manager.OnNewConnection(Ip).Slot!;
        Assert.Equal(DenyReason.Lockdown, h.Manager.EvaluateNode(slot, TestKeys.Key(1), networkKeyProven: true).Reason);
        var anonymous = h.Manager.OnNewConnection(Ip).Slot!;
        Assert.NotEqual(DenyReason.None, h.Manager.EvaluateNode(anonymous, null, networkKeyProven: false).Reason);
    }

    [Fact]
    public void EvaluateSecured_AllowTrusted_RefusesAnUntrustedKeyBeforeServerHelloAndEvictsOneSecuredEarlier()
    {
        using var h = new ManagerHarness(Roomy);
        var early = h.Manager.OnNewConnection(Ip).Slot!;
        Assert.True(h.Manager.EvaluateSecured(early, TestKeys.Key(2)).Allowed);
        var evicted = new List<DenyReason>();
        early.OnEvict(d => evicted.Add(d.Reason));

        var (_, closed) = h.Manager.EngageLockdown(new LockdownOptions { AllowTrusted = true });

        Assert.Equal(1, closed);
        Assert.Equal([DenyReason.Lockdown], evicted);
        var late = h.Manager.OnNewConnection(Ip).Slot!;
        Assert.Equal(DenyReason.Lockdown, h.Manager.EvaluateSecured(late, TestKeys.Key(2)).Reason);
        h.Apply(Roomy + $"ALLOWED_NODE_KEYS={TestKeys.Hex(2)}\n");
        var trusted = h.Manager.OnNewConnection(Ip).Slot!;
        Assert.True(h.Manager.EvaluateSecured(trusted, TestKeys.Key(2)).Allowed);
    }

    [Fact]
    public void PolicyFile_LockdownTrue_RefusesAndEvictsEvenWithoutEvictOnPolicyChange()
    {
        using var h = new ManagerHarness(Roomy + "EVICT_ON_POLICY_CHANGE=false\n");
        var evicted = new List<DenyReason>();
        Welcome(h, TestKeys.Key(1), evicted);

        var result = h.Apply(Roomy + "EVICT_ON_POLICY_CHANGE=false\nLOCKDOWN=true\n");

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Equal(1, result.SessionsClosed);
        Assert.Equal([DenyReason.Lockdown], evicted);
        Assert.Contains(result.Changes, c => c == "LOCKDOWN: False -> True");
        Assert.Contains(result.Diagnostics, d => d.Key == "LOCKDOWN");
        Assert.Equal(DenyReason.Lockdown, h.Manager.OnNewConnection(Ip).Decision.Reason);
        var inForce = h.Manager.LockdownInForce(h.Manager.Policy);
        Assert.Equal(LockdownState.FromPolicyFile, inForce.Source);
        Assert.Equal(h.Time.GetUtcNow(), h.Manager.Lockdown.PolicyFileSince);

        // The operator's "off" cannot lift what the file asks for; removing the line does.
        h.Manager.Lockdown.Lift();
        Assert.Equal(DenyReason.Lockdown, h.Manager.OnNewConnection(Ip).Decision.Reason);
        h.Apply(Roomy);
        Assert.True(h.Manager.OnNewConnection(Ip).Allowed);
        Assert.Null(h.Manager.Lockdown.PolicyFileSince);
    }

    [Fact]
    public void EvaluateNode_LockdownEngagedDuringHandshake_Refuses()
    {
        using var h = new ManagerHarness(Roomy);
        var slot = h.Manager.OnNewConnection(Ip).Slot!;

        h.Manager.EngageLockdown(new LockdownOptions());

        Assert.Equal(DenyReason.Lockdown, h.Manager.EvaluateNode(slot, TestKeys.Key(1), networkKeyProven: true).Reason);
    }

    private static ConnectionSlot Welcome(ManagerHarness h, Core.Policy.NodeKey key, List<DenyReason> evictions)
    {
        var slot = h.Manager.OnNewConnection(Ip).Slot!;
        Assert.True(h.Manager.EvaluateNode(slot, key, networkKeyProven: true).Allowed);
        slot.OnEvict(d => evictions.Add(d.Reason));
        return slot;
    }
}
