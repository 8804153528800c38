using System.Net;
using System.Security.Cryptography;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.Editing;

namespace P2PSecurity.Core.Tests.Control;

public sealed class RecentNodeRefusalsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static NodeKey NewKey() => NodeKey.FromHash(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Record_SameKeyTwice_IsOneEntryWithCountAndLatestAddress()
    {
        var recent = new RecentNodeRefusals();
        var key = NewKey();

        recent.Record(key, IPAddress.Parse("127.0.0.2"), DenyReason.NodeNotAllowed, T0);
        recent.Record(key, IPAddress.Parse("127.0.0.3"), DenyReason.NodeBlocked, T0.AddSeconds(5));

        var entry = Assert.Single(recent.Snapshot(SecurityPolicy.Defaults));
        Assert.Equal(key.ToString(), entry.NodeKey);
        Assert.Equal("127.0.0.3", entry.Address);
        Assert.Equal(2, entry.Attempts);
        Assert.Equal(T0, entry.FirstSeen);
        Assert.Equal(T0.AddSeconds(5), entry.LastSeen);
        Assert.Equal("node_blocked", entry.Reason);
    }

    [Fact]
    public void Record_MoreKeysThanCapacity_ForgetsTheLeastRecent()
    {
        var recent = new RecentNodeRefusals(capacity: 3);
        var keys = Enumerable.Range(0, 5).Select(_ => NewKey()).ToList();

        for (var i = 0; i < keys.Count; i++)
        {
            recent.Record(keys[i], IPAddress.Loopback, DenyReason.NodeNotAllowed, T0.AddSeconds(i));
        }
        recent.Record(keys[2], IPAddress.Loopback, DenyReason.NodeNotAllowed, T0.AddSeconds(10));

        Assert.Equal([keys[2], keys[4], keys[3]], recent.Snapshot(SecurityPolicy.Defaults).Select(e => NodeKey.Parse(e.NodeKey)));
    }

    [Fact]
    public void Snapshot_KeyAllowedSinceItsRefusal_SaysAllowedNow()
    {
        var recent = new RecentNodeRefusals();
        var approved = NewKey();
        var stranger = NewKey();
        recent.Record(approved, IPAddress.Loopback, DenyReason.NodeNotAllowed, T0);
        recent.Record(stranger, IPAddress.Loopback, DenyReason.NodeNotAllowed, T0);
        var policy = PolicyLoader.Load($"ALLOWED_NODE_KEYS={approved}\n", null).Policy!;

        var now = recent.Snapshot(policy).ToDictionary(e => e.NodeKey, e => e.Now);

        Assert.Equal("allowed", now[approved.ToString()]);
        Assert.Equal("node_not_allowed", now[stranger.ToString()]);
    }

    [Fact]
    public void Attach_RealManagerRefusesAnUnknownNode_IsRecordedWithItsFullKey()
    {
        using var dir = new TempFolder();
        var allowed = NewKey();
        var stranger = NewKey();
        File.WriteAllText(dir.File(".env"), $"ALLOWED_NODE_KEYS={allowed}\n");
        using var manager = SecurityManager.Create(dir.File(".env"));
        var recent = new RecentNodeRefusals();
        recent.Attach(manager);
        var slot = manager.OnNewConnection(IPAddress.Parse("127.0.0.5")).Slot!;

        var decision = manager.EvaluateNode(slot, stranger, networkKeyProven: true);
        var welcomed = manager.EvaluateNode(slot, allowed, networkKeyProven: true);

        Assert.Equal(DenyReason.NodeNotAllowed, decision.Reason);
        Assert.True(welcomed.Allowed);
        var entry = Assert.Single(recent.Snapshot(manager.Policy));
        Assert.Equal(stranger.ToString(), entry.NodeKey);
        Assert.Equal("127.0.0.5", entry.Address);
    }

    [Fact]
    public void NodeRefused_ThrowingObserver_StillRefusesTheNode()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File(".env"), $"BLOCKED_NODE_KEYS={NewKey()}\nALLOWED_NODE_KEYS={NewKey()}\n");
        using var manager = SecurityManager.Create(dir.File(".env"));
        manager.NodeRefused += (_, _) => throw new InvalidOperationException("observer bug");
        var slot = manager.OnNewConnection(IPAddress.Loopback).Slot!;

        var decision = manager.EvaluateNode(slot, NewKey(), networkKeyProven: true);

        Assert.Equal(DenyReason.NodeNotAllowed, decision.Reason);
    }

    [Fact]
    public void Record_OneAddressMintsManyKeys_DoesNotPushOutANodeFromAnotherAddress()
    {
        var recent = new RecentNodeRefusals();
        var waiting = NewKey();
        recent.Record(waiting, IPAddress.Parse("127.0.0.7"), DenyReason.NodeNotAllowed, T0);

        for (var i = 0; i < 1000; i++)
        {
            recent.Record(NewKey(), IPAddress.Parse("127.0.0.66"), DenyReason.NodeNotAllowed, T0.AddSeconds(1 + i));
        }

        var entries = recent.Snapshot(SecurityPolicy.Defaults);
        Assert.Contains(entries, e => e.NodeKey == waiting.ToString());
        Assert.Equal(RecentNodeRefusals.DefaultPerPrefix, entries.Count(e => e.Address == "127.0.0.66"));
        Assert.Equal(T0.AddSeconds(1000), entries.First(e => e.Address == "127.0.0.66").LastSeen); // it keeps its newest
    }

    [Fact]
    public void Record_ManyAddressesOfOneSlash64_ShareOnePrefixAllowance()
    {
        var recent = new RecentNodeRefusals();
        var waiting = NewKey();
        recent.Record(waiting, IPAddress.Parse("2001:db8:9::1"), DenyReason.NodeNotAllowed, T0);

        for (var i = 0; i < 500; i++)
        {
            recent.Record(NewKey(), IPAddress.Parse($"2001:db8:1:2::{i + 1:x}"), DenyReason.NodeNotAllowed, T0.AddSeconds(1 + i));
        }

        var entries = recent.Snapshot(SecurityPolicy.Defaults);
        Assert.Contains(entries, e => e.NodeKey == waiting.ToString());
        Assert.Equal(RecentNodeRefusals.DefaultPerPrefix, entries.Count(e => e.Address.StartsWith("2001:db8:1:2:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Record_FullFromManyAddresses_ForgetsFromTheBusiestAddressFirst()
    {
        var recent = new RecentNodeRefusals(capacity: 4, perPrefix: 3);
        var alone = NewKey();
        recent.Record(alone, IPAddress.Parse("10.0.0.1"), DenyReason.NodeNotAllowed, T0);
        for (var i = 0; i < 3; i++)
        {
            recent.Record(NewKey(), IPAddress.Parse("10.0.0.2"), DenyReason.NodeNotAllowed, T0.AddSeconds(1 + i));
        }

        recent.Record(NewKey(), IPAddress.Parse("10.0.0.3"), DenyReason.NodeNotAllowed, T0.AddSeconds(10));

        var entries = recent.Snapshot(SecurityPolicy.Defaults);
        Assert.Equal(4, entries.Count);
        Assert.Contains(entries, e => e.NodeKey == alone.ToString());
        Assert.Equal(2, entries.Count(e => e.Address == "10.0.0.2"));
    }

    [Fact]
    public void Attach_ManagerWithIpv6LimitPrefix_GroupsByThatPrefix()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File(".env"), $"ALLOWED_NODE_KEYS={NewKey()}\nIPV6_LIMIT_PREFIX=128\nCONNECTION_RATE_LIMIT=1000\n");
        using var manager = SecurityManager.Create(dir.File(".env"));
        var recent = new RecentNodeRefusals(perPrefix: 1);
        recent.Attach(manager);

        foreach (var address in new[] { "2001:db8:1:2::1", "2001:db8:1:2::2" })
        {
            var slot = manager.OnNewConnection(IPAddress.Parse(address)).Slot!;
            manager.EvaluateNode(slot, NewKey(), networkKeyProven: true);
        }

        Assert.Equal(2, recent.Snapshot(manager.Policy).Count); // per address at /128: each keeps its one entry
    }
}
