using System.Text;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>Broadcast relay: every other node exactly once, and the signing rules.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class BroadcastTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Broadcast_ReachesEveryOtherNodeExactlyOnce()
    {
        using var a = TestIdentities.Create();
        using var b = TestIdentities.Create();
        using var c = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "");
        await using var ca = await server.ConnectWelcomedAsync(a, "127.0.0.30");
        await using var cb = await server.ConnectWelcomedAsync(b, "127.0.0.31");
        await using var cc = await server.ConnectWelcomedAsync(c, "127.0.0.32");
        var first = BroadcastSigning.Create(a, Encoding.UTF8.GetBytes("hello"), sign: false);
        var marker = BroadcastSigning.Create(a, Encoding.UTF8.GetBytes("marker"), sign: false);

        await ca.SendAsync(first, TestContext.Current.CancellationToken);
        await ca.SendAsync(first, TestContext.Current.CancellationToken); // the same id again: a duplicate
        await ca.SendAsync(marker, TestContext.Current.CancellationToken);

        foreach (var receiver in new[] { cb, cc })
        {
            // Frames from one sender arrive in order, so the marker right after the first proves no duplicate between.
            Assert.Equal(first.Id, (await receiver.ReceiveAsync<BroadcastMessage>()).Id);
            var next = await receiver.ReceiveAsync<BroadcastMessage>();
            Assert.Equal(marker.Id, next.Id);
            Assert.Equal("marker", Encoding.UTF8.GetString(next.Payload));
            Assert.Equal(a.NodeKey, next.Origin);
        }
        // The sender gets nothing back: a ping is answered with the very next message.
        await ca.SendAsync(new PingMessage([1]), TestContext.Current.CancellationToken);
        Assert.IsType<PongMessage>(await ca.ReceiveWithinAsync());
        Assert.Equal(4, server.Relay.Relayed);
    }

    [Fact]
    public async Task Signing_SignedBroadcast_DeliveredWithSignatureThatVerifiesAtTheReceiver()
    {
        using var a = TestIdentities.Create();
        using var b = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "ENABLE_MESSAGE_SIGNING=true\nREJECT_UNSIGNED_MESSAGES=true\n");
        await using var ca = await server.ConnectWelcomedAsync(a, "127.0.0.33");
        await using var cb = await server.ConnectWelcomedAsync(b, "127.0.0.34");
        var signed = BroadcastSigning.Create(a, [1, 2, 3], sign: true);

        await ca.SendAsync(signed, TestContext.Current.CancellationToken);

        var received = await cb.ReceiveAsync<BroadcastMessage>();
        Assert.Equal(signed.Signature, received.Signature);
        Assert.Equal(SignatureCheck.Valid, BroadcastSigning.Verify(received));
    }

    [Fact]
    public async Task Signing_UnsignedWhenRejected_DroppedAndSenderTold()
    {
        using var a = TestIdentities.Create();
        using var b = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "ENABLE_MESSAGE_SIGNING=true\nREJECT_UNSIGNED_MESSAGES=true\n");
        await using var ca = await server.ConnectWelcomedAsync(a, "127.0.0.35");
        await using var cb = await server.ConnectWelcomedAsync(b, "127.0.0.36");
        var unsigned = BroadcastSigning.Create(a, [1], sign: false);
        var marker = BroadcastSigning.Create(a, [2], sign: true);

        await ca.SendAsync(unsigned, TestContext.Current.CancellationToken);
        await ca.SendAsync(marker, TestContext.Current.CancellationToken);

        var dropped = await ca.ReceiveAsync<DroppedMessage>();
        Assert.Equal(DenyReason.MessageUnsigned, dropped.Reason);
        Assert.Equal(unsigned.Id, dropped.BroadcastId);
        Assert.Equal(marker.Id, (await cb.ReceiveAsync<BroadcastMessage>()).Id);
    }

    [Fact]
    public async Task Signing_UnsignedWhenNotRejected_Delivered()
    {
        using var a = TestIdentities.Create();
        using var b = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "ENABLE_MESSAGE_SIGNING=true\nREJECT_UNSIGNED_MESSAGES=false\n");
        await using var ca = await server.ConnectWelcomedAsync(a, "127.0.0.37");
        await using var cb = await server.ConnectWelcomedAsync(b, "127.0.0.38");
        var unsigned = BroadcastSigning.Create(a, [1], sign: false);

        await ca.SendAsync(unsigned, TestContext.Current.CancellationToken);

        Assert.Equal(unsigned.Id, (await cb.ReceiveAsync<BroadcastMessage>()).Id);
    }

    [Fact]
    public async Task Signing_TamperedPayloadOrForgedOrigin_DroppedAsInvalid()
    {
        using var a = TestIdentities.Create();
        using var b = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "ENABLE_MESSAGE_SIGNING=true\n");
        await using var ca = await server.ConnectWelcomedAsync(a, "127.0.0.39");
        await using var cb = await server.ConnectWelcomedAsync(b, "127.0.0.40");
        var genuine = BroadcastSigning.Create(a, [1, 2, 3], sign: true);
        var tampered = genuine with { Payload = [1, 2, 4] };
        var forged = BroadcastSigning.Create(a, [5], sign: true) with { Origin = b.NodeKey };

        await ca.SendAsync(tampered, TestContext.Current.CancellationToken);
        await ca.SendAsync(forged, TestContext.Current.CancellationToken);
        // The genuine message with the tampered copy's id still gets through: a bad copy never marks an id seen.
        await ca.SendAsync(genuine, TestContext.Current.CancellationToken);

        Assert.Equal(DenyReason.MessageSignatureInvalid, (await ca.ReceiveAsync<DroppedMessage>()).Reason);
        Assert.Equal(DenyReason.MessageSignatureInvalid, (await ca.ReceiveAsync<DroppedMessage>()).Reason);
        var delivered = await cb.ReceiveAsync<BroadcastMessage>();
        Assert.Equal(genuine.Payload, delivered.Payload);
    }

    [Fact]
    public async Task Broadcast_OriginBlocked_DroppedEvenWhenRelayedByAnAllowedNode()
    {
        using var relay = TestIdentities.Create();
        using var blocked = TestIdentities.Create();
        using var b = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, $"ENABLE_MESSAGE_SIGNING=true\nBLOCKED_NODE_KEYS={blocked.NodeKey}\n");
        await using var relaying = await server.ConnectWelcomedAsync(relay, "127.0.0.41");
        await using var cb = await server.ConnectWelcomedAsync(b, "127.0.0.42");
        // Signed by the blocked node elsewhere, handed on by an allowed one.
        var fromBlocked = BroadcastSigning.Create(blocked, [6, 6, 6], sign: true);
        var marker = BroadcastSigning.Create(relay, [1], sign: true);

        await relaying.SendAsync(fromBlocked, TestContext.Current.CancellationToken);
        await relaying.SendAsync(marker, TestContext.Current.CancellationToken);

        Assert.Equal(DenyReason.OriginBlocked, (await relaying.ReceiveAsync<DroppedMessage>()).Reason);
        Assert.Equal(marker.Id, (await cb.ReceiveAsync<BroadcastMessage>()).Id);
    }

    [Fact]
    public async Task Broadcast_AnonymousSender_DroppedAsAuthenticationRequired()
    {
        using var b = TestIdentities.Create();
        using var someone = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "REQUIRE_NODE_AUTHENTICATION=false\n");
        var (anonymous, result) = await server.ConnectAsync(identity: null, "127.0.0.43");
        await using var _ = anonymous;
        Assert.True(result.Welcomed);

        await anonymous.SendAsync(BroadcastSigning.Create(someone, [1], sign: false), TestContext.Current.CancellationToken);

        Assert.Equal(DenyReason.AuthenticationRequired, (await anonymous.ReceiveAsync<DroppedMessage>()).Reason);
    }

    public void Dispose() => _folder.Dispose();
}
