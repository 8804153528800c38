using DotNetty.Transport.Channels.Embedded;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;
using P2PSecurity.Server.Transport;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>The session stage against a fake gate: ping, goodbye, broadcast refusals, and protocol violations.</summary>
[Trait("Tier", "Pipeline")]
public sealed class SessionHandlerTests : IDisposable
{
    private readonly PipelineFixture _fixture = new();

    [Fact]
    public async Task Added_RegistersTheSessionAndClose_RemovesIt()
    {
        var channel = Start(out var session);

        Assert.Same(session, Assert.Single(_fixture.Sessions.Sessions));
        await channel.CloseAsync();

        Assert.Empty(_fixture.Sessions.Sessions);
    }

    [Fact]
    public void Ping_IsAnsweredWithPong()
    {
        var channel = Start(out _);

        channel.WriteInbound(new PingMessage([8, 9]));

        Assert.Equal([8, 9], channel.ReadOutbound<PongMessage>().Data);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Broadcast_GateRefuses_TellsTheSenderItWasDropped()
    {
        _fixture.Gate.BroadcastDecision = SecurityDecision.Deny(DenyReason.OriginBlocked);
        var channel = Start(out _);
        var id = new byte[BroadcastMessage.IdSize];
        id[0] = 42;

        channel.WriteInbound(new BroadcastMessage(id, _fixture.Identity.NodeKey, [1], null, null));

        var dropped = channel.ReadOutbound<DroppedMessage>();
        Assert.Equal(DenyReason.OriginBlocked, dropped.Reason);
        Assert.Equal(MessageType.Broadcast, dropped.DroppedType);
        Assert.Equal(id, dropped.BroadcastId);
        Assert.Contains("broadcast", _fixture.Gate.Calls);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Goodbye_ClosesWithoutARefusal()
    {
        var channel = Start(out _);

        channel.WriteInbound(new GoodbyeMessage(GoodbyeReason.Leaving, "bye"));

        Assert.False(channel.Active);
        Assert.Null(channel.ReadOutbound<object>());
        Assert.Empty(_fixture.Gate.Reported);
    }

    [Fact]
    public void HandshakeMessage_InASession_IsRefusedAsAProtocolViolation()
    {
        var channel = Start(out _);

        channel.WriteInbound(new ClientHelloMessage(ProtocolConstants.Version, new byte[ProtocolConstants.ChallengeSize], null));

        Assert.Equal(DenyReason.ProtocolViolation, channel.ReadOutbound<RefusalMessage>().Reason);
        Assert.False(channel.Active);
        Assert.Equal(DenyReason.ProtocolViolation, Assert.Single(_fixture.Gate.Reported).Reason);
    }

    private EmbeddedChannel Start(out NodeSession session)
    {
        var channel = new EmbeddedChannel();
        session = new NodeSession(channel, _fixture.NewSlot(), _fixture.Identity.NodeKey, false, _fixture.Time.GetUtcNow());
        channel.Pipeline.AddLast(PipelineNames.Session, new SessionHandler(_fixture.Services, session));
        return channel;
    }

    public void Dispose() => _fixture.Dispose();
}
