using System.Net;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>SecurityManager.EvaluateBroadcast: the signing rules and origin blocks, without any transport.</summary>
public sealed class BroadcastGateTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly NodeIdentity _sender = NodeIdentity.Create();
    private readonly NodeIdentity _origin = NodeIdentity.Create();

    [Theory]
    [InlineData("", false, DenyReason.None)]
    [InlineData("", true, DenyReason.None)]
    [InlineData("ENABLE_MESSAGE_SIGNING=true", false, DenyReason.None)]
    [InlineData("ENABLE_MESSAGE_SIGNING=true\nREJECT_UNSIGNED_MESSAGES=true", false, DenyReason.MessageUnsigned)]
    [InlineData("ENABLE_MESSAGE_SIGNING=true\nREJECT_UNSIGNED_MESSAGES=true", true, DenyReason.None)]
    [InlineData("REJECT_UNSIGNED_MESSAGES=true", false, DenyReason.MessageUnsigned)]
    [InlineData("REJECT_UNSIGNED_MESSAGES=true", true, DenyReason.None)]
    public void EvaluateBroadcast_SigningRules(string env, bool sign, DenyReason expected)
    {
        using var manager = Manager(env);

        var decision = manager.EvaluateBroadcast(Welcomed(manager), BroadcastSigning.Create(_origin, [1], sign));

        Assert.Equal(expected, decision.Reason);
    }

    [Theory]
    [InlineData("ENABLE_MESSAGE_SIGNING=true\nREJECT_UNSIGNED_MESSAGES=false")]
    [InlineData("ENABLE_MESSAGE_SIGNING=false\nREJECT_UNSIGNED_MESSAGES=true")]
    public void EvaluateBroadcast_BadSignatureWhenSignaturesAreChecked_IsInvalid(string env)
    {
        using var manager = Manager(env);
        var forged = BroadcastSigning.Create(_origin, [1], sign: true) with { Payload = [2] };

        Assert.Equal(DenyReason.MessageSignatureInvalid, manager.EvaluateBroadcast(Welcomed(manager), forged).Reason);
    }

    [Theory]
    [InlineData("BLOCKED_NODE_KEYS={origin}")]
    [InlineData("ALLOWED_NODE_KEYS={sender}")]
    public void EvaluateBroadcast_OriginBlockedOrNotAllowed_IsDropped(string env)
    {
        using var manager = Manager(env.Replace("{origin}", _origin.NodeKey.ToString(), StringComparison.Ordinal)
            .Replace("{sender}", _sender.NodeKey.ToString(), StringComparison.Ordinal));

        var decision = manager.EvaluateBroadcast(Welcomed(manager), BroadcastSigning.Create(_origin, [1], sign: true));

        Assert.Equal(DenyReason.OriginBlocked, decision.Reason);
    }

    [Fact]
    public void EvaluateBroadcast_SecurityDisabled_AllowsEvenAnonymous()
    {
        using var manager = Manager("ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\nENABLE_MESSAGE_SIGNING=true\nREJECT_UNSIGNED_MESSAGES=true");
        var slot = manager.EvaluateAccept(IPAddress.Loopback).Slot!;

        Assert.True(manager.EvaluateBroadcast(slot, BroadcastSigning.Create(_origin, [1], sign: false)).Allowed);
    }

    private SecurityManager Manager(string env)
    {
        var path = _dir.File(".env");
        File.WriteAllText(path, env + "\n");
        return SecurityManager.Create(path);
    }

    private P2PSecurity.Core.Security.ConnectionSlot Welcomed(SecurityManager manager)
    {
        var slot = manager.EvaluateAccept(IPAddress.Loopback).Slot!;
        Assert.True(manager.EvaluateNode(slot, _sender.NodeKey, networkKeyProven: true).Allowed);
        return slot;
    }

    public void Dispose()
    {
        _sender.Dispose();
        _origin.Dispose();
        _dir.Dispose();
    }
}
