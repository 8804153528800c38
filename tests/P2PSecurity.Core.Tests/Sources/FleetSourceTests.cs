using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Sources;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Sources;

/// <summary>Fleet decisions as a source of the one view: the gates read them from the view, and the source can be replaced or removed live.</summary>
public sealed class FleetSourceTests
{
    [Fact]
    public void AttachFleet_ThenPublish_ViewHoldsTheNewestFleetView()
    {
        var composer = new PolicyComposer(new FilePolicySource(SecurityPolicy.Defaults with { Revision = 1 }), new ManualSource<LockdownState>("lockdown", LockdownState.Off), new CapturingLogger());
        Assert.Same(FleetView.Empty, composer.Current.Fleet);
        var first = View(1, "block 203.0.113.7");
        var fleet = new ManualSource<FleetView>("fleet", first);

        composer.AttachFleet(fleet);
        Assert.Same(first, composer.Current.Fleet);
        var second = View(2, "block 203.0.113.7", "block 203.0.113.8");
        var revision = composer.Current.Revision;
        fleet.Publish(second);

        Assert.Same(second, composer.Current.Fleet);
        Assert.Equal(revision + 1, composer.Current.Revision);
    }

    [Fact]
    public void AttachFleet_ReplacedThenRemoved_OldSourceNoLongerReachesTheView()
    {
        var composer = new PolicyComposer(new FilePolicySource(SecurityPolicy.Defaults with { Revision = 1 }), null, new CapturingLogger());
        var old = new ManualSource<FleetView>("fleet", View(1, "block 203.0.113.7"));
        var replacement = View(1, "ban 198.51.100.1 " + long.MaxValue);
        composer.AttachFleet(old);

        composer.AttachFleet(new ManualSource<FleetView>("fleet", replacement));
        old.Publish(View(2, "block 192.0.2.1"));
        Assert.Same(replacement, composer.Current.Fleet);

        composer.AttachFleet(null);
        Assert.Same(FleetView.Empty, composer.Current.Fleet);
    }

    [Fact]
    public async Task FleetApplied_ViewHoldsTheBlockBeforeTheEvictionPass()
    {
        using var h = new FleetHarness();
        var (slot, _) = h.Connect("198.51.100.4", TestKeys.Key(1));
        var seen = new List<bool>();
        slot.OnEvict(_ => seen.Add(h.Manager.View.Fleet.IsAddressBlocked(IpAddressKey.From(System.Net.IPAddress.Parse("198.51.100.4")))));

        await h.PublishAsync("block 198.51.100.4");

        Assert.Equal([true], seen);
        Assert.Same(h.Sync.Current, h.Manager.View.Fleet);
        slot.Release();
    }

    [Fact]
    public async Task AttachFleet_Null_FleetBlocksLifted_AndSessionsOnlyTheFleetAllowedClosed()
    {
        using var h = new FleetHarness($"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\n");
        await h.PublishAsync("block 203.0.113.7");
        await h.PublishAsync("allow " + TestKeys.Hex(9));
        var (fleetAllowed, fleetEvictions) = h.Connect("198.51.100.4", TestKeys.Key(9));
        var (fileAllowed, fileEvictions) = h.Connect("198.51.100.5", TestKeys.Key(1));
        Assert.Equal(DenyReason.IpBlocked, h.Accept("203.0.113.7"));

        h.Manager.AttachFleet(null);

        Assert.Null(h.Manager.Fleet);
        Assert.Equal(DenyReason.None, h.Accept("203.0.113.7"));
        Assert.Equal(DenyReason.NodeNotAllowed, Assert.Single(fleetEvictions).Reason);
        Assert.Empty(fileEvictions);
        fleetAllowed.Release();
        fileAllowed.Release();
    }

    [Fact]
    public async Task AttachFleet_Replaced_NewFleetEnforced_OldOneNeitherRefusesNorCloses()
    {
        using var h = new FleetHarness();
        await h.PublishAsync("block 203.0.113.7");
        var store = new MemoryFleetStore();
        using var other = new FleetSync(h.Signing, store, new MemoryFleetHub(), h.Logger, h.Time) { OperatorIdentity = h.Operator };
        await other.PublishAsync(FleetHarness.Decision("block 203.0.113.9"), h.Operator, CancellationToken.None);
        var (slot, evictions) = h.Connect("198.51.100.4", TestKeys.Key(1));
        var (blockedByNew, newEvictions) = h.Connect("203.0.113.9", TestKeys.Key(2));

        h.Manager.AttachFleet(other);
        await h.PublishAsync("block 198.51.100.4"); // the old source, detached, still applies its own decisions

        Assert.Equal(DenyReason.None, h.Accept("203.0.113.7"));
        Assert.Equal(DenyReason.IpBlocked, h.Accept("203.0.113.9"));
        Assert.Equal(DenyReason.IpBlocked, Assert.Single(newEvictions).Reason);
        Assert.Empty(evictions);
        Assert.Equal(DenyReason.None, h.Accept("198.51.100.4"));
        slot.Release();
        blockedByNew.Release();
    }

    private static FleetView View(long id, params string[] decisions)
    {
        var state = new FleetState();
        foreach (var d in decisions)
        {
            state.Apply(FleetHarness.Decision(d));
        }
        state.LastId = new StreamId(id, 0);
        return state.ToView(0);
    }
}
