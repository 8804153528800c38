using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Security;

public sealed class SecurityDecisionTests
{
    [Fact]
    public void Default_Denies_AsAnInternalError()
    {
        SecurityDecision forgotten = default;

        Assert.False(forgotten.Allowed);
        Assert.Equal(DenyReason.InternalError, forgotten.Reason);
        Assert.NotEqual(SecurityDecision.Allow, forgotten);
    }

    [Fact]
    public void DenyWithoutAReason_StillDenies()
    {
        var decision = SecurityDecision.Deny(DenyReason.None);

        Assert.False(decision.Allowed);
        Assert.Equal(DenyReason.InternalError, decision.Reason);
    }

    [Fact]
    public void Allow_IsAllowedWithNoReason()
    {
        Assert.True(SecurityDecision.Allow.Allowed);
        Assert.Equal(DenyReason.None, SecurityDecision.Allow.Reason);
        Assert.Equal(DenyReason.NodeBlocked, SecurityDecision.Deny(DenyReason.NodeBlocked).Reason);
    }
}
