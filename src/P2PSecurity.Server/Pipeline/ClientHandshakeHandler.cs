using System.Security.Cryptography;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Hosting;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Step 4 for a connection this node dialled (BOOTSTRAP_ADDRESSES): the same handshake from the client side. The
/// remote server passes the same node gate as an inbound peer (block list, allow list, network-key proof, which
/// the server gives in its Welcome), and a pinned key must match. A refusal is sent to the server with its reason.
/// </summary>
internal sealed class ClientHandshakeHandler(PipelineServices services, ConnectionSlot slot, TlsPeer peer, NodeKey? pinned, Action<HandshakeResult> completed)
    : ChannelHandlerAdapter
{
    private byte[]? _challenge;
    private bool _done;

    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is TlsHandshakeCompletionEvent { IsSuccessful: false } tls)
        {
            Finish(new HandshakeResult(null, null, "TLS failed: " + tls.Exception?.GetBaseException().Message));
        }
        context.FireUserEventTriggered(evt);
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (_done)
        {
            return;
        }
        switch (message)
        {
            case ServerHelloMessage hello when _challenge is null:
                OnHello(context, hello);
                break;
            case WelcomeMessage welcome when _challenge is not null:
                OnWelcome(context, welcome);
                break;
            case RefusalMessage refusal:
                Finish(new HandshakeResult(null, refusal, null));
                context.CloseAsync();
                break;
            default:
                RefuseServer(context, DenyReason.ProtocolViolation, "unexpected message in the handshake");
                break;
        }
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        ServerLog.ConnectionFault(services.Logger, slot.Address.ToString(), exception.GetType().Name);
        context.CloseAsync();
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        Finish(new HandshakeResult(null, null, "connection closed during the handshake"));
        context.FireChannelInactive();
    }

    private void OnHello(IChannelHandlerContext context, ServerHelloMessage hello)
    {
        var own = services.Identity.NodeKey;
        if (peer.NodeKey is not { } serverKey || hello.ServerKey != serverKey || hello.Version != ProtocolConstants.Version)
        {
            RefuseServer(context, DenyReason.ProtocolViolation, "the server's hello does not match its certificate or version");
            return;
        }
        if (serverKey == own)
        {
            RefuseServer(context, DenyReason.AuthenticationFailed, "this bootstrap address is this node itself");
            return;
        }
        if (pinned is { } expected && expected != serverKey)
        {
            RefuseServer(context, DenyReason.AuthenticationFailed, $"node key {serverKey.ToShortString()} is not the pinned {expected.ToShortString()}");
            return;
        }
        // The server's key is known (TLS proved it): judge it before answering, so that a server this node refuses
        // gets a Refusal in place of the ClientHello, and never a welcome of this node to hold.
        var secured = services.Gate.Secured(slot, serverKey);
        if (!secured.Allowed)
        {
            RefuseServer(context, secured.Reason, secured.Reason.Describe());
            return;
        }
        _challenge = RandomNumberGenerator.GetBytes(ProtocolConstants.ChallengeSize);
        var proof = services.Gate.ProveNetworkKey(hello.Challenge, own, serverKey);
        context.WriteAndFlushAsync(new ClientHelloMessage(ProtocolConstants.Version, _challenge, proof));
    }

    private void OnWelcome(IChannelHandlerContext context, WelcomeMessage welcome)
    {
        var serverKey = peer.NodeKey!.Value;
        // The server's Welcome proves its network key; there is no challenge of the server's to answer.
        var verdict = services.Gate.NodeHandshake(slot, serverKey, new NetworkKeyAnswer(_challenge, welcome.Proof ?? [], services.Identity.NodeKey, serverKey, []));
        if (!verdict.Allowed)
        {
            var reason = verdict.Decision.Reason;
            RefuseServer(context, reason, reason.Describe());
            return;
        }
        SessionActivation.Activate(context, services, slot, serverKey, outbound: true);
        Finish(new HandshakeResult(welcome, null, null));
    }

    private void RefuseServer(IChannelHandlerContext context, DenyReason reason, string why)
    {
        Finish(new HandshakeResult(null, null, why));
        ChannelClosing.Refuse(context, reason);
    }

    private void Finish(HandshakeResult result)
    {
        if (_done)
        {
            return;
        }
        _done = true;
        completed(result);
    }
}
