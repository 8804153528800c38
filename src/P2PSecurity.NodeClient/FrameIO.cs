using System.Buffers.Binary;

namespace P2PSecurity.Core.Protocol;

/// <summary>Reads length-prefixed frames from a stream (the client side of the framing; the server uses DotNetty).</summary>
internal static class FrameIO
{
    /// <summary>The next frame's body, or null when the stream ended cleanly between frames.</summary>
    public static async Task<byte[]?> ReadFrameAsync(Stream stream, int maxFrameSize, CancellationToken ct)
    {
        var prefix = new byte[ProtocolConstants.LengthPrefixSize];
        var got = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }
        if (got < prefix.Length)
        {
            throw new EndOfStreamException("the connection ended inside a frame's length prefix");
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length == 0 || length > (uint)maxFrameSize)
        {
            throw new InvalidDataException($"frame length {length} is outside 1..{maxFrameSize}");
        }
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, ct).ConfigureAwait(false);
        return body;
    }
}
