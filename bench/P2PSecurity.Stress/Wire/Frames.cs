using System.Buffers.Binary;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Stress.Wire;

/// <summary>The framing of docs/PROTOCOL.md on any stream (SslStream or the raw TLS client): for harness clients.</summary>
public static class Frames
{
    /// <summary>The largest frame a harness client accepts from the server.</summary>
    public const int MaxIncoming = 64 * 1024 * 1024;

    /// <summary>A whole frame for <paramref name="message"/>.</summary>
    public static byte[] Of(NodeMessage message) => MessageCodec.EncodeFrame(message);

    /// <summary>A frame around an arbitrary body (which need not be a valid message).</summary>
    public static byte[] OfBody(ReadOnlySpan<byte> body)
    {
        var frame = new byte[ProtocolConstants.LengthPrefixSize + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame.AsSpan(ProtocolConstants.LengthPrefixSize));
        return frame;
    }

    /// <summary>A length prefix alone, declaring any length.</summary>
    public static byte[] Header(uint declaredLength)
    {
        var header = new byte[ProtocolConstants.LengthPrefixSize];
        BinaryPrimitives.WriteUInt32BigEndian(header, declaredLength);
        return header;
    }

    /// <summary>The next message; null when the stream ended between frames. A frame that does not decode throws.</summary>
    public static async Task<NodeMessage?> ReadAsync(Stream stream, CancellationToken ct)
    {
        var prefix = new byte[ProtocolConstants.LengthPrefixSize];
        var got = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, ct);
        if (got < prefix.Length)
        {
            return null;
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length is 0 or > MaxIncoming)
        {
            throw new InvalidDataException($"the server sent a frame length of {length}");
        }
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, ct);
        return MessageCodec.TryDecode(body, out var message, out var error)
            ? message
            : throw new InvalidDataException("the server sent a frame that does not decode: " + error);
    }

    /// <summary>The next message, or null when the stream ended or failed (a reset, a TLS stream cut short).</summary>
    public static async Task<NodeMessage?> ReadOrNullAsync(Stream stream, CancellationToken ct)
    {
        try
        {
            return await ReadAsync(stream, ct);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return null;
        }
    }
}
