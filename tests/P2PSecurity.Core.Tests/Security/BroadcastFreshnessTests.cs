using System.Net;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>
/// The freshness rule of version 2 broadcasts (BROADCAST_MAX_AGE, the future skew, the start of this node), on a
/// hand-driven clock, and what happens to version 1 broadcasts, which carry no timestamp.
/// </summary>
public sealed class BroadcastFreshnessTests : IDisposable
{
    private readonly NodeIdentity _sender = NodeIdentity.Create();
    private readonly NodeIdentity _origin = NodeIdentity.Create();

    [Theory]
    [InlineData(0, DenyReason.None)]
    [InlineData(-599, DenyReason.None)]
    [InlineData(-601, DenyReason.BroadcastExpired)]
    [InlineData(4, DenyReason.None)]
    [InlineData(6, DenyReason.BroadcastExpired)]
    public void EvaluateBroadcast_TimestampAgainstMaxAgeAndSkew(int stampedSecondsFromNow, DenyReason expected)
    {
        using var h = new ManagerHarness("ENABLE_MESSAGE_SIGNING=true\nREJECT_UNSIGNED_MESSAGES=true\n");
        h.Time.Advance(TimeSpan.FromHours(1)); // so that "600 s ago" is after the start
        var at = h.Time.GetUtcNow() + TimeSpan.FromSeconds(stampedSecondsFromNow);

        var decision = h.Manager.EvaluateBroadcast(Welcomed(h.Manager), BroadcastSigning.Create(_origin, [1], sign: true, at));

        Assert.Equal(expected, decision.Reason);
    }

    [Fact]
    public void EvaluateBroadcast_MaxAgeFromThePolicy_IsUsed()
    {
        using var h = new ManagerHarness("BROADCAST_MAX_AGE=30s\n");
        h.Time.Advance(TimeSpan.FromHours(1));
        var slot = Welcomed(h.Manager);

        var fresh = BroadcastSigning.Create(_origin, [1], sign: true, h.Time.GetUtcNow() - TimeSpan.FromSeconds(29));
        var stale = BroadcastSigning.Create(_origin, [1], sign: true, h.Time.GetUtcNow() - TimeSpan.FromSeconds(31));

        Assert.True(h.Manager.EvaluateBroadcast(slot, fresh).Allowed);
        Assert.Equal(DenyReason.BroadcastExpired, h.Manager.EvaluateBroadcast(slot, stale).Reason);
    }

    [Fact]
    public void EvaluateBroadcast_StampedBeforeThisNodeStarted_IsDropped()
    {
        // A restarted node remembers no ids: a broadcast made before it started may be one it relayed before.
        using var h = new ManagerHarness("");
        var beforeStart = h.Manager.StartedAt - TimeSpan.FromSeconds(1);
        h.Time.Advance(TimeSpan.FromSeconds(10));

        var decision = h.Manager.EvaluateBroadcast(Welcomed(h.Manager), BroadcastSigning.Create(_origin, [1], sign: true, beforeStart));

        Assert.Equal(DenyReason.BroadcastExpired, decision.Reason);
    }

    [Theory]
    [InlineData("", DenyReason.None)]
    [InlineData("ENABLE_MESSAGE_SIGNING=true", DenyReason.None)]
    [InlineData("ENABLE_MESSAGE_SIGNING=true\nREJECT_UNSIGNED_MESSAGES=true", DenyReason.BroadcastExpired)]
    public void EvaluateBroadcast_Version1_ReadOnlyWhileUnsignedAreAccepted(string env, DenyReason expected)
    {
        using var h = new ManagerHarness(env + "\n");

        var decision = h.Manager.EvaluateBroadcast(Welcomed(h.Manager), BroadcastSigning.CreateVersion1(_origin, [1], sign: true));

        Assert.Equal(expected, decision.Reason);
    }

    [Fact]
    public void EvaluateBroadcast_TimestampMovedByARelay_FailsTheSignature()
    {
        using var h = new ManagerHarness("ENABLE_MESSAGE_SIGNING=true\n");
        h.Time.Advance(TimeSpan.FromHours(1));
        var genuine = BroadcastSigning.Create(_origin, [1], sign: true, h.Time.GetUtcNow() - TimeSpan.FromMinutes(20));

        // Re-stamping an old broadcast to make it look fresh breaks the originator's signature.
        var restamped = genuine with { TimestampMs = h.Time.GetUtcNow().ToUnixTimeMilliseconds() };

        Assert.Equal(DenyReason.MessageSignatureInvalid, h.Manager.EvaluateBroadcast(Welcomed(h.Manager), restamped).Reason);
    }

    private ConnectionSlot Welcomed(SecurityManager manager)
    {
        var slot = manager.EvaluateAccept(IPAddress.Loopback).Slot!;
        Assert.True(manager.EvaluateNode(slot, _sender.NodeKey, networkKeyProven: true).Allowed);
        return slot;
    }

    public void Dispose()
    {
        _sender.Dispose();
        _origin.Dispose();
    }
}
