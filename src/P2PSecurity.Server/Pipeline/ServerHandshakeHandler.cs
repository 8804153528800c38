using System.Net;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Gate;
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
                services.Gate.ReportRefusal(RemoteAddress(context), null, reason);
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
        var gate = services.Gate;
        var secured = gate.Secured(slot, peer.NodeKey);
        if (!secured.Allowed)
        {
            _done = true;
            ChannelClosing.Refuse(context, secured.Reason);
            return;
        }
        _challenge = NetworkKeyProof.NewChallenge();
        context.WriteAndFlushAsync(new ServerHelloMessage(ProtocolConstants.Version, gate.NetworkKeyProofRequired,
            gate.ClientCertificateRequired, _challenge, services.Identity.NodeKey));
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
            services.Gate.ReportRefusal(slot.Address, peer.NodeKey, DenyReason.ProtocolViolation);
            ChannelClosing.Refuse(context, DenyReason.ProtocolViolation);
            return;
        }
        _done = true;
        var own = services.Identity.NodeKey;
        var clientKey = peer.NodeKey ?? default;
        var verdict = services.Gate.NodeHandshake(slot, peer.NodeKey, new NetworkKeyAnswer(_challenge, hello.Proof ?? [], clientKey, own, hello.Challenge));
        if (!verdict.Allowed)
        {
            ChannelClosing.Refuse(context, verdict.Decision.Reason);
            return;
        }
        // The Welcome's terms come with the verdict, from the policy that decided it: not from a second read.
        var terms = verdict.Terms;
        var welcome = new WelcomeMessage(peer.NodeKey, terms.MaxFrameSize, terms.MessageRateCount, terms.MessageRatePeriodSeconds, terms.Proof);
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
