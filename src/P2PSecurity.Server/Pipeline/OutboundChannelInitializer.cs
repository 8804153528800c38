using DotNetty.Codecs;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Hosting;

namespace P2PSecurity.Server.Pipeline;

/// <summary>The pipeline of a connection this node dials: the same stages as an inbound one, TLS as the client.</summary>
internal sealed class OutboundChannelInitializer(PipelineServices services, ConnectionSlot slot, NodeKey? pinned, Action<HandshakeResult> completed)
    : ChannelInitializer<IChannel>
{
    protected override void InitChannel(IChannel channel)
    {
        var gate = services.Gate;
        var peer = new TlsPeer();
        var address = slot.Address.ToString();
        channel.Pipeline
            .AddLast(PipelineNames.HandshakeTimeout, new HandshakeTimeoutHandler(gate.Policy.HandshakeTimeout,
                _ => ServerLog.HandshakeTimedOut(services.Logger, address)))
            .AddLast(PipelineNames.Tls, services.Tls.CreateClient(peer))
            .AddLast(PipelineNames.Eviction, new EvictionHandler(slot, gate))
            .AddLast(PipelineNames.FrameDecoder, new FrameDecoder(() => gate.Policy.MaxFrameSize, () => gate.Policy.FrameTimeout, services.Time))
            .AddLast(PipelineNames.FramePrepender, new LengthFieldPrepender(ProtocolConstants.LengthPrefixSize))
            .AddLast(PipelineNames.MessageCodec, new MessageCodecHandler())
            .AddLast(PipelineNames.Handshake, new ClientHandshakeHandler(services, slot, peer, pinned, completed));
    }
}
