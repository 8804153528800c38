using System.Net;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>MAX_CONNECTIONS and the bound on the per-address table.</summary>
public sealed class GlobalLimitTests
{
    private static IPAddress Ip(int n) => IPAddress.Parse($"10.9.{n / 256}.{n % 256}");

    [Fact]
    public void Evaluate_MaxConnectionsReached_RefusesAnyNewAddressUntilOneCloses()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS=2\nCONNECTION_RATE_LIMIT=1/min\n");
        var a = h.Manager.OnNewConnection(Ip(1));
        var b = h.Manager.OnNewConnection(Ip(2));

        var refused = h.Manager.OnNewConnection(Ip(3));
        a.Slot!.Release();
        var later = h.Manager.OnNewConnection(Ip(3));

        Assert.True(a.Allowed && b.Allowed);
        Assert.Equal(DenyReason.TooManyConnections, refused.Decision.Reason);
        Assert.Equal("too_many_connections", refused.Decision.Reason.Code());
        Assert.Equal(6, (int)refused.Decision.Reason);
        Assert.True(later.Allowed, "the refusal at the global cap must not spend the address's only rate token");
        Assert.Equal(2, h.Manager.InboundConnections);
        Assert.Equal(1, h.Manager.RefusalCounts[DenyReason.TooManyConnections]);
    }

    [Fact]
    public void Evaluate_MaxConnections_DoesNotCountDialledConnections()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS=1\n");
        var dialled = h.Manager.EvaluateAccept(Ip(1), outbound: true);

        var inbound = h.Manager.OnNewConnection(Ip(2));
        var second = h.Manager.OnNewConnection(Ip(3));
        dialled.Slot!.Release();

        Assert.True(dialled.Allowed && inbound.Allowed);
        Assert.Equal(DenyReason.TooManyConnections, second.Decision.Reason);
        Assert.Equal(1, h.Manager.InboundConnections);
    }

    [Fact]
    public void Evaluate_PerAddressRefusal_GivesTheGlobalCountBack()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS=2\nMAX_CONNECTIONS_PER_IP=1\nCONNECTION_RATE_LIMIT=1000\n");
        Assert.True(h.Manager.OnNewConnection(Ip(1)).Allowed);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(DenyReason.TooManyConnectionsFromIp, h.Manager.OnNewConnection(Ip(1)).Decision.Reason);
        }

        Assert.Equal(1, h.Manager.InboundConnections);
        Assert.True(h.Manager.OnNewConnection(Ip(2)).Allowed);
    }

    [Fact]
    public void Evaluate_SecurityDisabled_DoesNotEnforceMaxConnections()
    {
        using var h = new ManagerHarness("ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\nMAX_CONNECTIONS=1\n");

        Assert.True(h.Manager.OnNewConnection(Ip(1)).Allowed);
        Assert.True(h.Manager.OnNewConnection(Ip(2)).Allowed);
    }

    [Fact]
    public void Evaluate_AddressTableFull_RefusesNewAddressesUntilTheSweepMakesRoom()
    {
        using var h = new ManagerHarness("CONNECTION_RATE_LIMIT=10/min\n");
        h.Manager.TrackedAddressLimitOverride = 8;
        var live = h.Manager.OnNewConnection(Ip(0)).Slot!;
        for (var i = 1; i < 8; i++)
        {
            h.Manager.OnNewConnection(Ip(i)).Slot!.Release(); // each leaves a bucket that is still refilling
        }

        var refused = h.Manager.OnNewConnection(Ip(100));
        var known = h.Manager.OnNewConnection(Ip(3));
        Assert.Equal(DenyReason.TooManyConnections, refused.Decision.Reason);
        Assert.True(known.Allowed, "an address already in the table is decided as usual");
        Assert.InRange(h.Manager.TrackedAddresses, 1, 8); // the sweep the refusal asked for may have run already
        known.Slot!.Release();

        h.Manager.MakeRoom(8);

        Assert.InRange(h.Manager.TrackedAddresses, 1, 6);
        Assert.True(h.Manager.OnNewConnection(Ip(100)).Allowed);
        Assert.True(h.Manager.EvaluateMessage(live).Allowed, "the state of a live connection is never dropped");
        Assert.Contains(h.Manager.LiveConnections, s => ReferenceEquals(s, live));
    }
}
