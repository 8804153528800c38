using DotNetty.Buffers;
using DotNetty.Codecs;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Turns frame bodies into <see cref="NodeMessage"/>s and back (docs/PROTOCOL.md). A body that does not decode
/// becomes a <see cref="ProtocolFault"/> for the stage handler to act on. Already encoded bodies (a relayed
/// broadcast, encoded once for every receiver) pass through as buffers.
/// </summary>
internal sealed class MessageCodecHandler : MessageToMessageCodec<IByteBuffer, NodeMessage>
{
    protected override void Decode(IChannelHandlerContext ctx, IByteBuffer msg, List<object> output)
    {
        var body = new byte[msg.ReadableBytes];
        msg.ReadBytes(body);
        output.Add(MessageCodec.TryDecode(body, out var message, out var error) ? message : new ProtocolFault(error));
    }

    protected override void Encode(IChannelHandlerContext ctx, NodeMessage msg, List<object> output) =>
        output.Add(Unpooled.WrappedBuffer(MessageCodec.Encode(msg)));
}
