using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Secrets;

/// <summary>ENABLE_P2P_SECURITY=false counts only with SECURITY_OFF_ACK=I_UNDERSTAND in the same file.</summary>
public sealed class SecurityOffAckTests
{
    private const string WhatToAdd =
        "ENABLE_P2P_SECURITY line 1: is false, which opens every gate (no address, key or rate is checked); to mean it, add the line SECURITY_OFF_ACK=I_UNDERSTAND to this file";

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("off")]
    public void Load_SecurityOffWithoutAck_IsInvalidSayingWhatToAdd(string off)
    {
        var result = PolicyLoader.Load($"ENABLE_P2P_SECURITY={off}\nMAX_CONNECTIONS_PER_IP=4\n", null);

        Assert.False(result.IsValid);
        Assert.Equal(WhatToAdd, Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Load_SecurityOffWithWrongAck_IsInvalid()
    {
        var result = PolicyLoader.Load("ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=yes\n", null);

        Assert.Equal("SECURITY_OFF_ACK line 2: 'yes' is not the acknowledgement; ENABLE_P2P_SECURITY=false needs exactly SECURITY_OFF_ACK=I_UNDERSTAND",
            Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Load_SecurityOffWithAck_IsValidAndDisabled()
    {
        var result = PolicyLoader.Load("SECURITY_OFF_ACK=I_UNDERSTAND\nENABLE_P2P_SECURITY=false\n", null);

        Assert.True(result.IsValid);
        Assert.False(result.Policy!.Enabled);
    }

    [Fact]
    public void Load_AckWhileSecurityOn_ChangesNothing()
    {
        var result = PolicyLoader.Load("SECURITY_OFF_ACK=I_UNDERSTAND\n", null);

        Assert.True(result.Policy!.Enabled);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Create_SecurityOffWithoutAck_RefusesToStart()
    {
        using var dir = new TempFolder();
        var path = dir.Write(".env", "ENABLE_P2P_SECURITY=false\n");

        var ex = Assert.Throws<PolicyLoadException>(() => SecurityManager.Create(path));

        Assert.Contains(WhatToAdd, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reload_SecurityOffWithoutAck_KeepsThePreviousPolicy_AndWithAckApplies()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=4\n");

        var refused = h.Apply("ENABLE_P2P_SECURITY=false\n");
        var enabledAfterRefusal = h.Manager.Policy.Enabled;
        var applied = h.Apply("ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\n");

        Assert.Equal(ReloadOutcome.Invalid, refused.Outcome);
        Assert.Equal(WhatToAdd, Assert.Single(refused.Diagnostics, d => d.Severity == DiagnosticSeverity.Error).ToString());
        Assert.True(enabledAfterRefusal);
        Assert.Equal(ReloadOutcome.Applied, applied.Outcome);
        Assert.False(h.Manager.Policy.Enabled);
    }
}
