using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Connections;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Connections;

/// <summary>The connection table on its own: counts, live slots, pending handshakes, one release path, the sweep.</summary>
public sealed class ConnectionTableTests
{
    private static readonly IPAddress Address = IPAddress.Parse("127.0.0.50");
    private readonly FakeTimeProvider _time = new();
    private readonly SecurityPolicy _policy = SecurityPolicy.Defaults;
    private readonly ConnectionTable _table;

    public ConnectionTableTests() => _table = new ConnectionTable(() => _policy, _time, NullLogger.Instance);

    [Fact]
    public void Release_InboundSlot_GivesBackEveryCountOnceHoweverOftenItIsCalled()
    {
        var slot = Admit(outbound: false);
        Assert.Null(_table.AddPending(slot, 10));
        Assert.Equal(1, _table.InboundConnections);
        Assert.Equal(1, _table.PendingHandshakes);
        Assert.Same(slot, Assert.Single(_table.Live));
        Assert.Equal(1, slot.State.Connections);

        slot.Release();
        slot.Release();

        Assert.Equal(0, _table.InboundConnections);
        Assert.Equal(0, _table.PendingHandshakes);
        Assert.Empty(_table.Live);
        Assert.Equal(0, slot.State.Connections);
    }

    [Fact]
    public void Release_DialledSlot_LeavesTheInboundCountAlone()
    {
        var inbound = Admit(outbound: false);
        var dialled = Admit(outbound: true);
        Assert.Equal(2, _table.Live.Count);

        dialled.Release();

        Assert.Equal(1, _table.InboundConnections); // only the inbound one was counted, and it is still open
        Assert.Same(inbound, Assert.Single(_table.Live));
    }

    [Fact]
    public void CountInbound_OverTheMaximum_SaysSoAndUncountGivesItBack()
    {
        Assert.True(_table.CountInbound(1));
        Assert.False(_table.CountInbound(1));

        _table.UncountInbound();

        Assert.Equal(1, _table.InboundConnections);
    }

    [Fact]
    public void Sweep_AfterRelease_ForgetsTheAddressOnceItsBucketRefilled()
    {
        var slot = Admit(outbound: false);
        Assert.Equal(1, _table.TrackedAddresses);
        _table.Sweep();
        Assert.Equal(1, _table.TrackedAddresses); // a live connection is never forgotten

        slot.Release();
        _time.Advance(TimeSpan.FromMinutes(5));
        _table.Sweep();

        Assert.Equal(0, _table.TrackedAddresses);
    }

    private ConnectionSlot Admit(bool outbound)
    {
        var key = IpAddressKey.From(Address);
        var state = _table.StateFor(key, Address, _policy)!;
        var now = _time.GetTimestamp();
        Assert.Equal(DenyReason.None, state.TryOpen(_policy, now, _time.TimestampFrequency, enforce: true));
        if (!outbound)
        {
            Assert.True(_table.CountInbound(_policy.MaxConnections));
        }
        return _table.Open(state, Address, key, now, outbound);
    }
}
