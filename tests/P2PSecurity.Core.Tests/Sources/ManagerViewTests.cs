using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Sources;

/// <summary>The manager's view follows every source: a reload of the file, a lockdown, a failed reload (which publishes nothing).</summary>
public sealed class ManagerViewTests
{
    [Fact]
    public void Reload_Applied_ViewHoldsTheNewFilePolicy()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS=10\n");
        var before = h.Manager.View;

        Assert.Equal(ReloadOutcome.Applied, h.Apply("MAX_CONNECTIONS=20\n").Outcome);

        var after = h.Manager.View;
        Assert.True(after.Revision > before.Revision);
        Assert.Equal(20, after.File.MaxConnections);
        Assert.Same(h.Manager.Policy, after.File);
        Assert.Equal(10, before.File.MaxConnections);
    }

    [Fact]
    public void Reload_Invalid_ViewKeepsTheLastGoodPolicy()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS=10\n");
        var before = h.Manager.View;

        Assert.Equal(ReloadOutcome.Invalid, h.Apply("MAX_CONNECTIONS=lots\n").Outcome);

        Assert.Same(before, h.Manager.View);
    }

    [Fact]
    public void EngageLockdown_ViewHoldsTheLockdownBeforeTheEvictionPass()
    {
        using var h = new ManagerHarness(string.Empty);
        var slot = h.Manager.OnNewConnection(System.Net.IPAddress.Parse("127.0.0.41")).Slot!;
        var seen = new List<bool>();
        slot.OnEvict(_ => seen.Add(h.Manager.View.Lockdown.Active));

        h.Manager.EngageLockdown(new LockdownOptions());

        Assert.Equal([true], seen);
    }
}
