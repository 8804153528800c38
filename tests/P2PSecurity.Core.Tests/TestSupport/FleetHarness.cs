using System.Net;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.TestSupport;

/// <summary>A <see cref="ManagerHarness"/> with a <see cref="FleetSync"/> attached, on a memory hub and store, signing as <see cref="Operator"/>.</summary>
internal sealed class FleetHarness : IDisposable
{
    private readonly ManagerHarness _manager;

    public FleetHarness(string policyText = "", MemoryFleetHub? hub = null, MemoryFleetStore? store = null, NodeIdentity? op = null, string fleet = "test")
    {
        _manager = new ManagerHarness(policyText);
        Operator = op ?? NodeIdentity.Create();
        Hub = hub ?? new MemoryFleetHub();
        Store = store ?? new MemoryFleetStore();
        Signing = new FleetSigning(fleet, [Operator.NodeKey]);
        Sync = new FleetSync(Signing, Store, Hub, Logger, Time) { OperatorIdentity = Operator };
        Manager.AttachFleet(Sync);
    }

    public SecurityManager Manager => _manager.Manager;

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time => _manager.Time;

    public CapturingLogger Logger => _manager.Logger;

    public NodeIdentity Operator { get; }

    public MemoryFleetHub Hub { get; }

    public MemoryFleetStore Store { get; }

    public FleetSigning Signing { get; }

    public FleetSync Sync { get; }

    public ReloadResult Apply(string text) => _manager.Apply(text);

    public static FleetDecision Decision(string text) => FleetDecision.TryParse(text, out var d, out var e) ? d : throw new FormatException(e);

    public Task<StreamId> PublishAsync(string decision) => Sync.PublishAsync(Decision(decision), Operator, CancellationToken.None);

    /// <summary>Reads and applies everything the hub holds after the cursor, as the follower does.</summary>
    public async Task<int> FollowAsync()
    {
        var batch = await Hub.ReadAsync(Sync.Cursor, 1000, null, CancellationToken.None);
        return await Sync.ApplyAsync(batch, CancellationToken.None);
    }

    public DenyReason Accept(string address)
    {
        var result = Manager.EvaluateAccept(IPAddress.Parse(address));
        result.Slot?.Release();
        return result.Decision.Reason;
    }

    /// <summary>The node gate's decision for <paramref name="key"/> from <paramref name="address"/> (the slot is released).</summary>
    public DenyReason Node(string address, NodeKey key)
    {
        var accept = Manager.EvaluateAccept(IPAddress.Parse(address));
        if (!accept.Allowed)
        {
            return accept.Decision.Reason;
        }
        var decision = Manager.EvaluateNode(accept.Slot!, key, networkKeyProven: true);
        accept.Slot!.Release();
        return decision.Reason;
    }

    public (ConnectionSlot Slot, List<SecurityDecision> Evictions) Connect(string address, NodeKey key)
    {
        var accept = Manager.EvaluateAccept(IPAddress.Parse(address));
        Assert.True(accept.Allowed, accept.Decision.ToString());
        var evictions = new List<SecurityDecision>();
        accept.Slot!.OnEvict(d =>
        {
            lock (evictions)
            {
                evictions.Add(d);
            }
        });
        Assert.True(Manager.EvaluateNode(accept.Slot, key, networkKeyProven: true).Allowed);
        return (accept.Slot, evictions);
    }

    public static BanTarget Target(string text) => BanTarget.TryParse(text, out var t, out var e) ? t : throw new FormatException(e);

    public void Dispose()
    {
        Sync.Dispose();
        _manager.Dispose();
    }
}
