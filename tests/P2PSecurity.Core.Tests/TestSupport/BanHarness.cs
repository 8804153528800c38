using System.Net;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.TestSupport;

/// <summary>A <see cref="ManagerHarness"/> with a <see cref="BanList"/> attached on a <see cref="MemoryBanStore"/>.</summary>
internal sealed class BanHarness : IDisposable
{
    private readonly ManagerHarness _manager;

    public BanHarness(string policyText = "", MemoryBanStore? store = null, int strikeCapacity = StrikeTracker.DefaultCapacity)
    {
        _manager = new ManagerHarness(policyText);
        Store = store ?? new MemoryBanStore();
        Bans = BanList.Open(Store, () => Manager.Policy.AutoBan, Logger, Time, strikeCapacity);
        Manager.AttachBans(Bans);
    }

    public SecurityManager Manager => _manager.Manager;

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time => _manager.Time;

    public CapturingLogger Logger => _manager.Logger;

    public MemoryBanStore Store { get; }

    public BanList Bans { get; }

    public ReloadResult Apply(string text) => _manager.Apply(text);

    public static BanTarget Target(string text) => BanTarget.TryParse(text, out var t, out var e) ? t : throw new FormatException(e);

    public Task<BanOutcome> BanAsync(string target, TimeSpan? duration, string reason = "test") => Bans.BanAsync(Target(target), duration, reason);

    /// <summary>The accept decision for <paramref name="address"/> now (an admitted slot is released at once).</summary>
    public DenyReason Accept(string address)
    {
        var result = Manager.EvaluateAccept(IPAddress.Parse(address));
        result.Slot?.Release();
        return result.Decision.Reason;
    }

    /// <summary>An admitted and welcomed connection, with its evictions recorded.</summary>
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

    /// <summary>Strikes <paramref name="address"/> <paramref name="times"/> times with <paramref name="offence"/>, then waits for the writer.</summary>
    public async Task StrikeAsync(string address, Offence offence, int times)
    {
        var key = IpAddressKey.From(IPAddress.Parse(address));
        for (var i = 0; i < times; i++)
        {
            Bans.Strike(key, offence);
        }
        await Bans.FlushAsync();
    }

    public void Dispose()
    {
        Bans.Dispose();
        _manager.Dispose();
    }
}
