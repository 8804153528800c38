using DotNetty.Transport.Channels;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Transport;

namespace P2PSecurity.Server.Pipeline;

/// <summary>The switch from handshake to session: the handshake handlers leave, the session handlers come in.</summary>
internal static class SessionActivation
{
    /// <summary>
    /// Called by a handshake handler on its own event loop once the peer is welcomed. Messages already decoded
    /// behind the hello reach the session handlers, since the pipeline changes before the next one is passed on.
    /// </summary>
    public static void Activate(IChannelHandlerContext handshake, PipelineServices services, ConnectionSlot slot, NodeKey? key, bool outbound)
    {
        var pipeline = handshake.Channel.Pipeline;
        var session = new NodeSession(handshake.Channel, slot, key, outbound, services.Time.GetUtcNow());
        pipeline.Remove(PipelineNames.HandshakeTimeout);
        pipeline.AddAfter(handshake.Name, PipelineNames.MessageRate, new MessageRateHandler(services.Gate, slot, new MessageFloodGuard(services.Time)));
        pipeline.AddAfter(PipelineNames.MessageRate, PipelineNames.Session, new SessionHandler(services, session));
        pipeline.Remove(handshake.Handler);
    }
}
