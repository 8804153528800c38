using System.Net;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Hosting;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Step 4 for an accepted connection, the node gate: when TLS completes, asks the manager about the node key (the
/// secured stage) and refuses at once or sends ServerHello with a fresh challenge; then reads ClientHello, asks the
/// manager about the node key and the network-key proof, and answers Welcome or Refusal.
/// On a welcome it hands the connection to the session handlers and removes itself.
/// </summary>
internal sealed class ServerHandshakeHandler(PipelineServices services, ConnectionSlot slot, TlsPeer peer) : ChannelHandlerAdapter
{
    private byte[]? _challenge;
    private bool _done;

    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is TlsHandshakeCompletionEvent tls)
        {
            if (tls.IsSuccessful)
            {
                OnSecured(context);
            }
            else
            {
                // TlsHandler closes the connection itself; record why for the log and status.
                var reason = peer.CertificateMissing ? DenyReason.AuthenticationRequired : DenyReason.AuthenticationFailed;
                services.Manager.ReportRefusal(RemoteAddress(context), null, reason);
                ServerLog.TlsFailed(services.Logger, slot.Address.ToString(), LogText.Escape(tls.Exception?.GetBaseException().Message));
            }
        }
        context.FireUserEventTriggered(evt);
    }

    /// <summary>
    /// TLS is up and the peer's key is known: the secured stage judges it before anything is said, so a blocked or
    /// unlisted node gets its Refusal now instead of a ServerHello, and cannot hold its slot by staying silent.
    /// </summary>
    private void OnSecured(IChannelHandlerContext context)
    {
        var manager = services.Manager;
        var secured = manager.EvaluateSecured(slot, peer.NodeKey);
        if (!secured.Allowed)
        {
            _done = true;
            ChannelClosing.Refuse(context, secured.Reason);
            return;
        }
        _challenge = NetworkKeyProof.NewChallenge();
        context.WriteAndFlushAsync(new ServerHelloMessage(ProtocolConstants.Version, manager.NetworkKeyProofRequired,
            manager.ClientCertificateRequired, _challenge, services.Identity.NodeKey));
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (_done)
        {
            return; // a refusal is on its way; whatever else the peer sent is ignored
        }
        if (message is RefusalMessage)
        {
            // A dialling node that refuses this server's key says so in place of its ClientHello: it is leaving, not
            // breaking the protocol.
            _done = true;
            context.CloseAsync();
            return;
        }
        if (message is not ClientHelloMessage hello || _challenge is null || hello.Version != ProtocolConstants.Version)
        {
            _done = true;
            services.Manager.ReportRefusal(slot.Address, peer.NodeKey, DenyReason.ProtocolViolation);
            ChannelClosing.Refuse(context, DenyReason.ProtocolViolation);
            return;
        }
        _done = true;
        var manager = services.Manager;
        var own = services.Identity.NodeKey;
        var clientKey = peer.NodeKey ?? default;
        manager.VerifyNetworkKey(slot, _challenge, clientKey, own, hello.Proof ?? []);
        var decision = manager.EvaluateNode(slot, peer.NodeKey);
        if (!decision.Allowed)
        {
            ChannelClosing.Refuse(context, decision.Reason);
            return;
        }
        var policy = manager.Policy;
        var welcome = new WelcomeMessage(peer.NodeKey, policy.MaxFrameSize, policy.MessageRateLimit.Count,
            (int)policy.MessageRateLimit.Period.TotalSeconds, manager.ProveNetworkKey(hello.Challenge, clientKey, own, slot.NetworkKeyFingerprint));
        // The session is registered before the peer can see its welcome, so anything it does next finds it; the
        // welcome goes out from the pipeline's tail because this handler has just left the pipeline.
        var channel = context.Channel;
        SessionActivation.Activate(context, services, slot, peer.NodeKey, outbound: false);
        channel.WriteAndFlushAsync(welcome);
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        ServerLog.ConnectionFault(services.Logger, slot.Address.ToString(), exception.GetType().Name);
        context.CloseAsync();
    }

    private static IPAddress RemoteAddress(IChannelHandlerContext context) =>
        (context.Channel.RemoteAddress as IPEndPoint)?.Address ?? IPAddress.None;
}
