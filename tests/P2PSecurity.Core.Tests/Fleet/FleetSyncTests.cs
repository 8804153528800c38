using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Fleet;

/// <summary>The fleet engine on a memory hub: exactly once, in order, signed only, persisted, never rolled back.</summary>
public sealed class FleetSyncTests
{
    [Fact]
    public async Task Publish_Block_RefusedAtAcceptOnThisNodeAndAFollower()
    {
        using var a = new FleetHarness();
        using var b = new FleetHarness(hub: a.Hub, op: a.Operator);

        var id = await a.PublishAsync("block 203.0.113.0/24");
        Assert.Equal(1, await b.FollowAsync());

        Assert.Equal(DenyReason.IpBlocked, a.Accept("203.0.113.9"));
        Assert.Equal(DenyReason.IpBlocked, b.Accept("203.0.113.9"));
        Assert.Equal(DenyReason.None, b.Accept("203.0.114.1"));
        Assert.Equal(id, b.Sync.LastApplied);
    }

    [Fact]
    public async Task Apply_ForgedEntry_IgnoredAndCounted()
    {
        using var h = new FleetHarness();
        using var stranger = NodeIdentity.Create();
        h.Hub.Add(h.Signing.Sign(stranger, new StreamId(100, 0), StreamId.Zero, FleetHarness.Decision("block 203.0.113.7")));
        h.Hub.Add(new StreamId(101, 0), new Dictionary<string, string> { ["d"] = "block 203.0.113.8" });

        Assert.Equal(0, await h.FollowAsync());

        Assert.Equal(2, h.Sync.Rejected);
        Assert.Equal(DenyReason.None, h.Accept("203.0.113.7"));
        Assert.Equal(DenyReason.None, h.Accept("203.0.113.8"));
        Assert.Equal(new StreamId(101, 0), h.Sync.Cursor);
        Assert.Contains(h.Logger.Entries, e => e.Message.Contains("fleet_rejected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Apply_ReplayedUnblockAtANewId_Ignored()
    {
        using var h = new FleetHarness();
        await h.PublishAsync("block 203.0.113.7");
        var unblock = h.Signing.Sign(h.Operator, new StreamId(5, 0), StreamId.Zero, FleetHarness.Decision("unblock 203.0.113.7"));

        // Copied to an id after the block: the signature names id 5-0.
        h.Hub.Add(unblock with { Id = StreamId.Next(h.Sync.Cursor, 0) });
        await h.FollowAsync();

        Assert.Equal(DenyReason.IpBlocked, h.Accept("203.0.113.7"));
        Assert.Equal(1, h.Sync.Rejected);
    }

    [Fact]
    public async Task Apply_SameBatchTwice_AppliedOnce()
    {
        using var a = new FleetHarness();
        using var b = new FleetHarness(hub: a.Hub, op: a.Operator);
        await a.PublishAsync("block 203.0.113.7");
        await a.PublishAsync("unblock 203.0.113.7");
        var batch = await a.Hub.ReadAsync(StreamId.Zero, 10, null, CancellationToken.None);

        await b.Sync.ApplyAsync(batch, CancellationToken.None);
        await b.Sync.ApplyAsync(batch, CancellationToken.None);

        Assert.Equal(2, b.Sync.Applied);
        Assert.Equal(2, b.Sync.Duplicates);
        Assert.Equal(DenyReason.None, b.Accept("203.0.113.7"));
    }

    [Fact]
    public async Task Ban_ExpiresAtItsWallClockTime()
    {
        using var h = new FleetHarness();
        var expires = h.Time.GetUtcNow().AddMinutes(10).ToUnixTimeMilliseconds();

        await h.PublishAsync($"ban 203.0.113.7 {expires}");

        Assert.Equal(DenyReason.IpBanned, h.Accept("203.0.113.7"));
        h.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(DenyReason.IpBanned, h.Accept("203.0.113.7"));
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(DenyReason.None, h.Accept("203.0.113.7"));
    }

    [Fact]
    public async Task Block_LiveSessionOfAddressOrKey_Closed()
    {
        using var h = new FleetHarness();
        var (byAddress, addressEvictions) = h.Connect("198.51.100.4", TestKeys.Key(1));
        var (byKey, keyEvictions) = h.Connect("198.51.100.5", TestKeys.Key(2));

        await h.PublishAsync("block 198.51.100.4");
        await h.PublishAsync("block " + TestKeys.Hex(2));

        Assert.Equal(DenyReason.IpBlocked, Assert.Single(addressEvictions).Reason);
        Assert.Equal(DenyReason.NodeBlocked, Assert.Single(keyEvictions).Reason);
        byAddress.Release();
        byKey.Release();
    }

    [Fact]
    public async Task Allow_JoinsTheAllowListInWhitelistMode_DisallowClosesTheSession()
    {
        using var h = new FleetHarness($"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\n");
        Assert.Equal(DenyReason.NodeNotAllowed, h.Node("198.51.100.4", TestKeys.Key(9)));

        await h.PublishAsync("allow " + TestKeys.Hex(9));
        var (slot, evictions) = h.Connect("198.51.100.4", TestKeys.Key(9));
        h.Apply($"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\nMAX_CONNECTIONS_PER_IP=4\n");
        Assert.Empty(evictions);
        await h.PublishAsync("disallow " + TestKeys.Hex(9));

        Assert.Equal(DenyReason.NodeNotAllowed, Assert.Single(evictions).Reason);
        Assert.Equal(DenyReason.NodeNotAllowed, h.Node("198.51.100.4", TestKeys.Key(9)));
        slot.Release();
    }

    [Fact]
    public async Task Allow_InOpenMode_DoesNotTurnWhitelistOn()
    {
        using var h = new FleetHarness();

        await h.PublishAsync("allow " + TestKeys.Hex(9));

        Assert.Equal(DenyReason.None, h.Node("198.51.100.4", TestKeys.Key(5)));
    }

    [Fact]
    public async Task Allow_BlockedByTheFile_BlockWins()
    {
        using var h = new FleetHarness($"ALLOWED_NODE_KEYS={TestKeys.Hex(1)}\nBLOCKED_NODE_KEYS={TestKeys.Hex(9)}\n");

        await h.PublishAsync("allow " + TestKeys.Hex(9));

        Assert.Equal(DenyReason.NodeBlocked, h.Node("198.51.100.4", TestKeys.Key(9)));
    }

    [Fact]
    public async Task Restart_StoredStateEnforcedBeforeTheHubIsReached()
    {
        var store = new MemoryFleetStore();
        var op = NodeIdentity.Create();
        using (var first = new FleetHarness(store: store, op: op))
        {
            await first.PublishAsync("block 203.0.113.7");
        }
        var hub = new MemoryFleetHub { Down = true };

        using var second = new FleetHarness(hub: hub, store: store, op: op);

        Assert.Equal(DenyReason.IpBlocked, second.Accept("203.0.113.7"));
        Assert.Equal(store.LastId, second.Sync.LastApplied);
    }

    [Fact]
    public async Task Gap_SnapshotCoversIt_SnapshotLoadedThenFollowed()
    {
        using var a = new FleetHarness();
        for (var i = 1; i <= 5; i++)
        {
            await a.PublishAsync($"block 203.0.113.{i}");
        }
        await a.Sync.CompactAsync(a.Operator, CancellationToken.None);
        await a.PublishAsync("unblock 203.0.113.1");
        using var late = new FleetHarness(hub: a.Hub, op: a.Operator);

        await late.FollowAsync();

        Assert.Equal(1, late.Sync.SnapshotsLoaded);
        Assert.Equal(0, late.Sync.Gaps);
        Assert.Equal(a.Sync.LastApplied, late.Sync.LastApplied);
        Assert.Equal(DenyReason.None, late.Accept("203.0.113.1"));
        Assert.Equal(DenyReason.IpBlocked, late.Accept("203.0.113.5"));
        Assert.Equal(a.Sync.Current.Count, late.Sync.Current.Count);
    }

    [Fact]
    public async Task Snapshot_OlderThanWhatIsApplied_NeverLoaded()
    {
        using var a = new FleetHarness();
        await a.PublishAsync("block 203.0.113.1");
        await a.Sync.CompactAsync(a.Operator, CancellationToken.None);
        var old = a.Hub.Snapshot!;
        await a.PublishAsync("block 203.0.113.2");
        using var b = new FleetHarness(hub: a.Hub, op: a.Operator);
        await b.FollowAsync();

        // A hub rolled back to the older snapshot cannot take the newer block away.
        a.Hub.Snapshot = old;
        Assert.False(await b.Sync.TryLoadSnapshotAsync(CancellationToken.None));

        Assert.Equal(DenyReason.IpBlocked, b.Accept("203.0.113.2"));
    }

    [Fact]
    public async Task Snapshot_NotSignedByAnOperator_Rejected()
    {
        using var h = new FleetHarness();
        using var stranger = NodeIdentity.Create();
        h.Hub.Snapshot = h.Signing.SignSnapshot(stranger, new StreamId(100, 0), "allow " + TestKeys.Hex(3) + "\n");

        Assert.False(await h.Sync.TryLoadSnapshotAsync(CancellationToken.None));

        Assert.Equal(1, h.Sync.Rejected);
        Assert.Equal(0, h.Sync.Current.Count);
    }

    [Fact]
    public async Task HubWiped_OperatorNodeRewritesItsState_BehindNodeRecovers()
    {
        using var a = new FleetHarness();
        using var b = new FleetHarness(hub: a.Hub, op: a.Operator);
        await a.PublishAsync("block 203.0.113.1");
        await b.FollowAsync();
        await a.PublishAsync("block 203.0.113.2");
        a.Hub.Wipe(); // b never read the second block, and Redis restarted empty

        await a.Sync.OnConnectedAsync(a.Operator, CancellationToken.None);
        await a.PublishAsync("block 203.0.113.3");
        await b.FollowAsync();

        Assert.Equal(DenyReason.IpBlocked, b.Accept("203.0.113.2"));
        Assert.Equal(DenyReason.IpBlocked, b.Accept("203.0.113.3"));
        Assert.Equal(0, b.Sync.Gaps);
        Assert.Equal(a.Sync.LastApplied, b.Sync.LastApplied);
    }

    [Fact]
    public async Task HubWiped_ForgerAppendsFirst_PublisherStillRewritesItsState()
    {
        using var a = new FleetHarness();
        using var b = new FleetHarness(hub: a.Hub, op: a.Operator);
        using var stranger = NodeIdentity.Create();
        await a.PublishAsync("block 203.0.113.1");
        await b.FollowAsync();
        await a.PublishAsync("block 203.0.113.2");
        a.Hub.Wipe();
        // Someone with write access to Redis appends first: the stream's top is now past what a applied.
        a.Hub.Add(a.Signing.Sign(stranger, StreamId.Next(a.Sync.Cursor, 0), StreamId.Zero, FleetHarness.Decision("block 203.0.113.99")));

        await a.PublishAsync("block 203.0.113.3");
        await b.FollowAsync();

        Assert.Equal(DenyReason.IpBlocked, b.Accept("203.0.113.2"));
        Assert.Equal(DenyReason.IpBlocked, b.Accept("203.0.113.3"));
        Assert.Equal(DenyReason.None, b.Accept("203.0.113.99"));
        Assert.Equal(0, b.Sync.Gaps);
    }

    [Fact]
    public async Task Gap_HubGoesAwayWhileTheSnapshotIsRead_EntryReadAgainNotSkipped()
    {
        using var a = new FleetHarness();
        using var b = new FleetHarness(hub: a.Hub, op: a.Operator);
        await a.PublishAsync("block 203.0.113.1");
        await b.FollowAsync();
        await a.PublishAsync("block 203.0.113.2"); // b never reads it: the hub forgets it
        a.Hub.Wipe();
        await a.PublishAsync("block 203.0.113.3"); // a first puts its state there as a snapshot
        a.Hub.FailingSnapshotReads = 1;

        await Assert.ThrowsAsync<FleetHubException>(b.FollowAsync);
        await b.FollowAsync();

        Assert.Equal(DenyReason.IpBlocked, b.Accept("203.0.113.2"));
        Assert.Equal(DenyReason.IpBlocked, b.Accept("203.0.113.3"));
        Assert.Equal(a.Sync.LastApplied, b.Sync.LastApplied);
    }

    [Fact]
    public async Task Publish_HubDown_ThrowsAndNothingChanges()
    {
        using var h = new FleetHarness();
        h.Hub.Down = true;

        var publish = h.PublishAsync("block 203.0.113.7");
        for (var i = 0; i < 20 && !publish.IsCompleted; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        await Assert.ThrowsAsync<FleetHubException>(() => publish);
        Assert.Equal(DenyReason.None, h.Accept("203.0.113.7"));
    }

    [Fact]
    public async Task Publish_AnotherPublisherAppendedMeanwhile_ChainStaysUnbroken()
    {
        using var a = new FleetHarness();
        using var b = new FleetHarness(hub: a.Hub, op: a.Operator);
        using var c = new FleetHarness(hub: a.Hub, op: a.Operator);

        await a.PublishAsync("block 203.0.113.1");
        await b.PublishAsync("block 203.0.113.2"); // b had not read a's entry: it reads it first
        await a.PublishAsync("block 203.0.113.3");
        await c.FollowAsync();

        Assert.Equal(0, c.Sync.Gaps);
        Assert.Equal(3, c.Sync.Applied);
        Assert.Equal(3, c.Sync.Current.Count);
    }
}
