using System.Net;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels.Embedded;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>
/// The server side of the node handshake against a fake gate: the secured stage's refusal is sent before any hello,
/// the node stage's refusal answers the ClientHello, and a welcome carries the verdict's terms and switches to the session.
/// </summary>
[Trait("Tier", "Pipeline")]
public sealed class ServerHandshakeHandlerTests : IDisposable
{
    private readonly PipelineFixture _fixture = new();
    private readonly Core.Identity.NodeIdentity _client = TestIdentities.Create();

    [Fact]
    public void TlsDone_SecuredStageRefuses_SendsTheRefusalInPlaceOfTheHelloAndCloses()
    {
        _fixture.Gate.SecuredDecision = SecurityDecision.Deny(DenyReason.NodeBlocked);
        var channel = Start(out var hello);

        Assert.Null(hello);
        Assert.Equal(DenyReason.NodeBlocked, channel.ReadOutbound<RefusalMessage>().Reason);
        Assert.Null(channel.ReadOutbound<object>());
        Assert.False(channel.Active);
    }

    [Fact]
    public void TlsDone_SecuredStageAllows_SendsTheHelloWithTheGatesRequirements()
    {
        _fixture.Gate.NetworkKeyProofRequired = true;
        _fixture.Gate.ClientCertificateRequired = true;
        var channel = Start(out var sent);

        var hello = Assert.IsType<ServerHelloMessage>(sent);
        Assert.True(hello.NetworkKeyProofRequired);
        Assert.True(hello.CertificateRequired);
        Assert.Equal(ProtocolConstants.ChallengeSize, hello.Challenge.Length);
        Assert.Equal(_fixture.Identity.NodeKey, hello.ServerKey);
        Assert.True(channel.Active);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void ClientHello_NodeStageRefuses_SendsTheRefusalAndCloses()
    {
        _fixture.Gate.NodeVerdict = NodeVerdict.Deny(DenyReason.NetworkKeyProofFailed);
        var channel = Start(out var hello);
        var peerChallenge = new byte[ProtocolConstants.ChallengeSize];

        channel.WriteInbound(new ClientHelloMessage(ProtocolConstants.Version, peerChallenge, [9, 9]));

        Assert.Equal(DenyReason.NetworkKeyProofFailed, channel.ReadOutbound<RefusalMessage>().Reason);
        Assert.False(channel.Active);
        var answer = _fixture.Gate.LastAnswer!.Value;
        Assert.Equal(hello!.Challenge, answer.Challenge); // the answer is checked against the challenge this server sent
        Assert.Equal([9, 9], answer.Answer);
        Assert.Empty(_fixture.Sessions.Sessions);
    }

    [Fact]
    public void ClientHello_NodeStageAllows_WelcomesWithTheVerdictsTermsAndSwitchesToTheSession()
    {
        // The terms differ from the fake gate's policy: a Welcome built from a second read would show the policy's.
        _fixture.Gate.NodeVerdict = new NodeVerdict(SecurityDecision.Allow, new WelcomeTerms(12_345, 3, 10, [7, 7, 7]));
        var channel = Start(out _);

        channel.WriteInbound(new ClientHelloMessage(ProtocolConstants.Version, new byte[ProtocolConstants.ChallengeSize], null));

        var welcome = channel.ReadOutbound<WelcomeMessage>();
        Assert.Equal(12_345, welcome.MaxFrameSize);
        Assert.Equal(3, welcome.MessageRateCount);
        Assert.Equal(10, welcome.MessageRatePeriodSeconds);
        Assert.Equal([7, 7, 7], welcome.Proof);
        Assert.Equal(_client.NodeKey, welcome.PeerKey);
        Assert.True(channel.Active);
        // Session activation: the handshake handlers left, the session handlers came in, the session is registered.
        Assert.Null(channel.Pipeline.Get(PipelineNames.Handshake));
        Assert.Null(channel.Pipeline.Get(PipelineNames.HandshakeTimeout));
        Assert.IsType<MessageRateHandler>(channel.Pipeline.Get(PipelineNames.MessageRate));
        Assert.IsType<SessionHandler>(channel.Pipeline.Get(PipelineNames.Session));
        var session = Assert.Single(_fixture.Sessions.Sessions);
        Assert.Equal(_client.NodeKey, session.NodeKey);
        Assert.False(session.Outbound);

        channel.WriteInbound(new PingMessage([4]));

        Assert.Equal([4], channel.ReadOutbound<PongMessage>().Data); // the session answers what follows the hello
        Assert.Equal(["secured", "node", "message"], _fixture.Gate.Calls);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Read_SomethingElseThanClientHello_RefusesAsAProtocolViolation()
    {
        var channel = Start(out _);

        channel.WriteInbound(new PingMessage([1]));

        Assert.Equal(DenyReason.ProtocolViolation, channel.ReadOutbound<RefusalMessage>().Reason);
        Assert.False(channel.Active);
        Assert.Equal(DenyReason.ProtocolViolation, Assert.Single(_fixture.Gate.Reported).Reason);
        Assert.DoesNotContain("node", _fixture.Gate.Calls);
    }

    [Fact]
    public void TlsFailed_ReportsTheRefusalToTheGate()
    {
        var peer = new TlsPeer();
        peer.Accept(null, certificateRequired: true);
        var channel = _fixture.HandshakeChannel(new ServerHandshakeHandler(_fixture.Services, _fixture.NewSlot(), peer));

        channel.Pipeline.FireUserEventTriggered(new TlsHandshakeCompletionEvent(new IOException("no certificate")));

        Assert.Equal(DenyReason.AuthenticationRequired, Assert.Single(_fixture.Gate.Reported).Reason);
        Assert.DoesNotContain("secured", _fixture.Gate.Calls);
        channel.FinishAndReleaseAll();
    }

    /// <summary>A channel whose TLS has just completed with the client's certificate; the hello, if one was sent, is taken off the queue.</summary>
    private EmbeddedChannel Start(out ServerHelloMessage? hello)
    {
        var peer = new TlsPeer();
        peer.Accept(_client.Certificate, certificateRequired: true);
        var channel = _fixture.HandshakeChannel(new ServerHandshakeHandler(_fixture.Services, _fixture.NewSlot(), peer));
        channel.Pipeline.FireUserEventTriggered(TlsHandshakeCompletionEvent.Success);
        hello = null;
        if (channel.OutboundMessages.TryPeek(out var first) && first is ServerHelloMessage sent)
        {
            hello = sent;
            channel.ReadOutbound<object>();
        }
        return channel;
    }

    public void Dispose()
    {
        _client.Dispose();
        _fixture.Dispose();
    }
}
