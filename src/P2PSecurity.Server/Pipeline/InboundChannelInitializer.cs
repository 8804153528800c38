using DotNetty.Codecs;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Server.Hosting;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Builds the pipeline of an accepted connection, in the order a connection flows (the accept gate already ran on
/// the server channel): handshake timeout, TLS, eviction, framing, messages, node gate. The session handlers
/// replace the node gate once the peer is welcomed.
/// </summary>
internal sealed class InboundChannelInitializer(PipelineServices services) : ChannelInitializer<IChannel>
{
    protected override void InitChannel(IChannel channel)
    {
        var slot = channel.GetAttribute(ChannelAttributes.Slot).Get();
        if (slot is null)
        {
            // Only the accept gate admits children; a child without a slot never passed it.
            channel.CloseAsync();
            return;
        }
        services.Channels.Add(channel);
        var gate = services.Gate;
        var peer = new TlsPeer();
        var address = slot.Address.ToString();
        channel.Pipeline
            .AddLast(PipelineNames.HandshakeTimeout, new HandshakeTimeoutHandler(gate.Policy.HandshakeTimeout,
                _ =>
                {
                    ServerLog.HandshakeTimedOut(services.Logger, address);
                    gate.ReportHandshakeTimeout(slot.Address);
                }, services.Time, channel.GetAttribute(ChannelAttributes.AcceptedAt).Get()))
            .AddLast(PipelineNames.Tls, services.Tls.CreateServer(peer))
            .AddLast(PipelineNames.Eviction, new EvictionHandler(slot, gate))
            .AddLast(PipelineNames.FrameDecoder, new FrameDecoder(() => gate.Policy.MaxFrameSize, () => gate.Policy.FrameTimeout, services.Time))
            .AddLast(PipelineNames.FramePrepender, new LengthFieldPrepender(ProtocolConstants.LengthPrefixSize))
            .AddLast(PipelineNames.MessageCodec, new MessageCodecHandler())
            .AddLast(PipelineNames.Handshake, new ServerHandshakeHandler(services, slot, peer));
    }
}
