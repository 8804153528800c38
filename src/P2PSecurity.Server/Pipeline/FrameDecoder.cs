using DotNetty.Buffers;
using DotNetty.Codecs;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Step 5: splits the decrypted stream into frames of <c>u32 big-endian length, body</c>. The length is checked as
/// soon as its four bytes are in, before any buffer is sized for the body: a length of zero or over the maximum
/// passes a <see cref="ProtocolFault"/> up and every later byte is discarded, so the peer cannot make the server
/// allocate what it declares.
/// </summary>
internal sealed class FrameDecoder(Func<int> maxFrameSize) : ByteToMessageDecoder
{
    private bool _failed;

    protected override void Decode(IChannelHandlerContext context, IByteBuffer input, List<object> output)
    {
        if (_failed)
        {
            input.SkipBytes(input.ReadableBytes);
            return;
        }
        if (input.ReadableBytes < ProtocolConstants.LengthPrefixSize)
        {
            return;
        }
        var length = input.GetUnsignedInt(input.ReaderIndex);
        var max = maxFrameSize();
        if (length == 0 || length > (uint)max)
        {
            _failed = true;
            input.SkipBytes(input.ReadableBytes);
            output.Add(new ProtocolFault($"declared frame length {length} is outside 1..{max}"));
            return;
        }
        if (input.ReadableBytes < ProtocolConstants.LengthPrefixSize + length)
        {
            return;
        }
        input.SkipBytes(ProtocolConstants.LengthPrefixSize);
        output.Add(input.ReadRetainedSlice((int)length));
    }
}
