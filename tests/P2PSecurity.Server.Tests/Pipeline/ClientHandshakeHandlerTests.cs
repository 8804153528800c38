using DotNetty.Transport.Channels.Embedded;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>
/// The dialling side of the node handshake against a fake gate: the server's key is judged (secured stage) before
/// this node answers, its Welcome's proof goes to the node stage, and a refusal is sent to the server with its reason.
/// </summary>
[Trait("Tier", "Pipeline")]
public sealed class ClientHandshakeHandlerTests : IDisposable
{
    private readonly PipelineFixture _fixture = new();
    private readonly NodeIdentity _server = TestIdentities.Create();
    private HandshakeResult? _result;

    [Fact]
    public void Hello_SecuredStageRefusesTheServer_SendsTheRefusalInPlaceOfTheClientHello()
    {
        _fixture.Gate.SecuredDecision = SecurityDecision.Deny(DenyReason.NodeNotAllowed);
        var channel = Start();

        channel.WriteInbound(Hello());

        Assert.Equal(DenyReason.NodeNotAllowed, channel.ReadOutbound<RefusalMessage>().Reason);
        Assert.Null(channel.ReadOutbound<object>());
        Assert.False(channel.Active);
        Assert.False(_result!.Welcomed);
    }

    [Fact]
    public void Hello_SecuredStageAllows_AnswersWithTheGatesProof()
    {
        _fixture.Gate.Proof = [5, 5];
        var channel = Start();

        channel.WriteInbound(Hello());

        var answer = channel.ReadOutbound<ClientHelloMessage>();
        Assert.Equal([5, 5], answer.Proof);
        Assert.Equal(ProtocolConstants.ChallengeSize, answer.Challenge.Length);
        Assert.Null(_result);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Welcome_NodeStageRefuses_SendsTheRefusalAndReportsNotWelcomed()
    {
        _fixture.Gate.NodeVerdict = NodeVerdict.Deny(DenyReason.NetworkKeyProofFailed);
        var channel = Start();
        channel.WriteInbound(Hello());
        var sent = channel.ReadOutbound<ClientHelloMessage>();

        channel.WriteInbound(new WelcomeMessage(_fixture.Identity.NodeKey, 4096, 10, 60, [1, 2]));

        Assert.Equal(DenyReason.NetworkKeyProofFailed, channel.ReadOutbound<RefusalMessage>().Reason);
        Assert.False(channel.Active);
        Assert.False(_result!.Welcomed);
        var answer = _fixture.Gate.LastAnswer!.Value;
        Assert.Equal(sent.Challenge, answer.Challenge); // the server's proof is checked against this node's challenge
        Assert.Equal([1, 2], answer.Answer);
        Assert.Empty(answer.PeerChallenge); // nothing of the server's to answer
        Assert.Empty(_fixture.Sessions.Sessions);
    }

    [Fact]
    public void Welcome_NodeStageAllows_ActivatesAnOutboundSession()
    {
        var channel = Start();
        channel.WriteInbound(Hello());
        channel.ReadOutbound<ClientHelloMessage>();

        channel.WriteInbound(new WelcomeMessage(_fixture.Identity.NodeKey, 4096, 10, 60, null));

        Assert.True(_result!.Welcomed);
        Assert.True(channel.Active);
        var session = Assert.Single(_fixture.Sessions.Sessions);
        Assert.True(session.Outbound);
        Assert.Equal(_server.NodeKey, session.NodeKey);
        Assert.Null(channel.Pipeline.Get(PipelineNames.Handshake));
        Assert.IsType<SessionHandler>(channel.Pipeline.Get(PipelineNames.Session));
        Assert.Equal(["secured", "node"], _fixture.Gate.Calls);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Hello_KeyNotTheCertificates_RefusesWithoutAskingTheGate()
    {
        var channel = Start();

        channel.WriteInbound(new ServerHelloMessage(ProtocolConstants.Version, false, false, new byte[ProtocolConstants.ChallengeSize], _fixture.Identity.NodeKey));

        Assert.Equal(DenyReason.ProtocolViolation, channel.ReadOutbound<RefusalMessage>().Reason);
        Assert.False(channel.Active);
        Assert.Empty(_fixture.Gate.Calls);
    }

    [Fact]
    public void Refusal_FromTheServer_EndsTheHandshakeWithItsReason()
    {
        var channel = Start();

        channel.WriteInbound(RefusalMessage.For(DenyReason.IpBlocked));

        Assert.Equal(DenyReason.IpBlocked, _result!.Reason);
        Assert.False(channel.Active);
    }

    private ServerHelloMessage Hello() =>
        new(ProtocolConstants.Version, false, false, new byte[ProtocolConstants.ChallengeSize], _server.NodeKey);

    private EmbeddedChannel Start(NodeKey? pinned = null)
    {
        var peer = new TlsPeer();
        peer.Accept(_server.Certificate, certificateRequired: true);
        return _fixture.HandshakeChannel(new ClientHandshakeHandler(_fixture.Services, _fixture.NewSlot(), peer, pinned, r => _result = r));
    }

    public void Dispose()
    {
        _server.Dispose();
        _fixture.Dispose();
    }
}
