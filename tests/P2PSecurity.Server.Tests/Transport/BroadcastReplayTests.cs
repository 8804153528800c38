using System.Net;
using DotNetty.Transport.Channels.Embedded;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;
using P2PSecurity.Server.Transport;

namespace P2PSecurity.Server.Tests.Transport;

/// <summary>
/// A captured signed broadcast replayed later: after many newer ids, after its window, after a restart. The relay
/// with a real SecurityManager, sessions on embedded channels, and time driven by hand.
/// </summary>
[Trait("Tier", "Pipeline")]
public sealed class BroadcastReplayTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly NodeIdentity _origin = NodeIdentity.Create();
    private readonly NodeIdentity _receiver = NodeIdentity.Create();

    [Fact]
    public void Relay_ReplayAfter200000NewerIds_IsNotRelayedAgain()
    {
        using var node = new RelayNode(_folder, _time, _origin, _receiver);
        var captured = BroadcastSigning.Create(_origin, [1, 2, 3], sign: true, _time.GetUtcNow());
        Assert.True(node.Relay(captured).Allowed);
        Assert.Equal(1, node.Delivered());

        node.Sessions.Remove(node.Receiver); // no deliveries while the flood goes through
        for (var i = 0; i < 200_000; i++)
        {
            Assert.True(node.Relay(BroadcastSigning.Create(_origin, [], sign: false, _time.GetUtcNow())).Allowed);
        }
        var second = node.AddReceiver(_receiver);

        node.Relay(captured);

        Assert.Empty(second.OutboundMessages);
    }

    [Fact]
    public void Relay_ReplayOnceTheIdIsForgotten_IsRefusedAsExpired()
    {
        using var node = new RelayNode(_folder, _time, _origin, _receiver);
        var captured = BroadcastSigning.Create(_origin, [1], sign: true, _time.GetUtcNow());
        Assert.True(node.Relay(captured).Allowed);
        Assert.Equal(1, node.Delivered());

        _time.Advance(TimeSpan.FromMinutes(10) + SecurityManager.BroadcastFutureSkew + TimeSpan.FromMilliseconds(1));

        Assert.Equal(DenyReason.BroadcastExpired, node.Relay(captured).Reason);
        Assert.Equal(0, node.Delivered());
    }

    [Fact]
    public void Relay_ReplayAfterARestart_IsRefused()
    {
        var captured = BroadcastSigning.Create(_origin, [1], sign: true, _time.GetUtcNow());
        using (var before = new RelayNode(_folder, _time, _origin, _receiver))
        {
            Assert.True(before.Relay(captured).Allowed);
            Assert.Equal(1, before.Delivered());
        }
        _time.Advance(TimeSpan.FromSeconds(1));

        using var after = new RelayNode(_folder, _time, _origin, _receiver);

        Assert.Equal(DenyReason.BroadcastExpired, after.Relay(captured).Reason);
        Assert.Equal(0, after.Delivered());
    }

    [Fact]
    public void TryAdd_FullOfIdsStillInTheirWindow_RefusesRatherThanForgets()
    {
        var seen = new SeenBroadcasts(capacity: 2);
        byte[] a = [.. new byte[15], 1], b = [.. new byte[15], 2], c = [.. new byte[15], 3];

        Assert.Equal(SeenResult.Added, seen.TryAdd(a, nowMs: 0, keepMs: 1000));
        Assert.Equal(SeenResult.Added, seen.TryAdd(b, nowMs: 10, keepMs: 1000));
        Assert.Equal(SeenResult.Full, seen.TryAdd(c, nowMs: 20, keepMs: 1000));
        Assert.True(seen.Contains(a, nowMs: 20));

        // Once the oldest id's window is over there is room again, and only it is forgotten.
        Assert.Equal(SeenResult.Added, seen.TryAdd(c, nowMs: 1000, keepMs: 1000));
        Assert.False(seen.Contains(a, nowMs: 1000));
        Assert.True(seen.Contains(b, nowMs: 1000));
        Assert.Equal(SeenResult.Duplicate, seen.TryAdd(b, nowMs: 1001, keepMs: 1000));
    }

    public void Dispose()
    {
        _origin.Dispose();
        _receiver.Dispose();
        _folder.Dispose();
    }

    /// <summary>One node's relay: a manager on the folder's policy, a sending session and a receiving session.</summary>
    private sealed class RelayNode : IDisposable
    {
        private readonly SecurityManager _manager;
        private readonly BroadcastRelay _relay;
        private readonly NodeSession _sender;
        private EmbeddedChannel _receiverChannel;

        public RelayNode(TempFolder folder, FakeTimeProvider time, NodeIdentity sender, NodeIdentity receiver)
        {
            folder.WriteEnv("ENABLE_MESSAGE_SIGNING=true\nMAX_CONNECTIONS_PER_IP=10\n");
            _manager = SecurityManager.Create(folder.EnvPath, time: time);
            _relay = new BroadcastRelay(Sessions, _manager.Gate, time);
            _sender = Welcomed(new EmbeddedChannel(), sender);
            Sessions.Add(_sender);
            _receiverChannel = AddReceiver(receiver);
        }

        public SessionRegistry Sessions { get; } = new();

        public NodeSession Receiver { get; private set; } = null!;

        public SecurityDecision Relay(BroadcastMessage message) => _relay.Relay(_sender, message);

        public EmbeddedChannel AddReceiver(NodeIdentity receiver)
        {
            _receiverChannel = new EmbeddedChannel();
            Receiver = Welcomed(_receiverChannel, receiver);
            Sessions.Add(Receiver);
            return _receiverChannel;
        }

        /// <summary>Broadcasts the receiving session got since the last call.</summary>
        public int Delivered()
        {
            var count = _receiverChannel.OutboundMessages.Count;
            _receiverChannel.OutboundMessages.Clear();
            return count;
        }

        private NodeSession Welcomed(EmbeddedChannel channel, NodeIdentity identity)
        {
            var slot = _manager.EvaluateAccept(IPAddress.Loopback).Slot!;
            Assert.True(_manager.EvaluateNode(slot, identity.NodeKey, networkKeyProven: true).Allowed);
            return new NodeSession(channel, slot, identity.NodeKey, outbound: false, DateTimeOffset.UnixEpoch);
        }

        public void Dispose()
        {
            _manager.Dispose();
        }
    }
}
