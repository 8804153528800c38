using System.Net.Sockets;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.Stress.Wire;

namespace P2PSecurity.Stress.WireFuzz;

/// <summary>Kinds that misbehave after an allowed node was welcomed: the session must close them (or survive the client leaving).</summary>
internal sealed partial class HostileConnection
{
    private async Task<HostileOutcome> SessionAsync(HostileKind kind, Socket socket, CancellationToken ct)
    {
        await using var tls = await TlsConnection.AuthenticateAsync(socket, context.Fuzzer.Certificate, ct);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(context.Bound);
            var handshake = await NodeHandshake.RunAsync(tls.Tls, _ => null, timeout.Token);
            if (!handshake.Welcomed)
            {
                // A close under load (the handshake timeout ran out) is the server's right; a refusal of an allowed node is not.
                return handshake.Answer is null
                    ? new HostileOutcome(HostileResult.ClosedByServer, $"{kind}: closed before the session ({handshake})")
                    : HostileOutcome.Unexpected($"{kind}: the allowed fuzzing node was {handshake}");
            }
        }
        var garbage = kind == HostileKind.SessionGarbage ? Bytes(1, 8192) : [];
        switch (kind)
        {
            case HostileKind.SessionTruncatedThenClose:
                await tls.WriteAsync(TruncatedFrame(), ct);
                return HostileOutcome.ClientLeft;
            case HostileKind.SessionTruncatedThenSilent:
                // A frame started and never finished: FRAME_TIMEOUT closes it. (Random session garbage that happens to
                // declare a valid length longer than itself is the same case.)
                await tls.WriteAsync(TruncatedFrame(), ct);
                break;
            case HostileKind.SessionGarbage:
                await tls.WriteAsync(garbage, ct);
                break;
            case HostileKind.SessionMessageFlood:
                // Far over MESSAGE_RATE_LIMIT in one burst: more than 50 drops within 10 s disconnects.
                await tls.WriteAsync([.. Enumerable.Range(0, 400).SelectMany(_ => Frames.Of(new PingMessage([1])))], ct);
                break;
            default:
                await tls.WriteAsync(kind switch
                {
                    HostileKind.SessionHugeDeclaredLength => [.. Frames.Header(HugeLength()), .. Bytes(0, 64)],
                    HostileKind.SessionUnknownMessageType => UnknownTypeFrame(),
                    HostileKind.SessionHandshakeMessage => HandshakeMessageInSession(),
                    _ => MalformedBroadcast(),
                }, ct);
                break;
        }
        return HostileOutcome.FromClose(await RawSocket.WaitForCloseAsync(tls.Tls, context.Bound, ct), kind.ToString());
    }

    private byte[] HandshakeMessageInSession() => Frames.Of(random.Next(3) switch
    {
        0 => new ClientHelloMessage(ProtocolConstants.Version, Bytes(32, 32), null),
        1 => new ServerHelloMessage(ProtocolConstants.Version, false, true, Bytes(32, 32), context.Fuzzer.NodeKey),
        _ => new WelcomeMessage(null, 1024, 1, 1, null),
    });

    /// <summary>A broadcast that cannot decode: a wrong payload length, a cut tail, a trailing byte, or a signed flag with no signature.</summary>
    private byte[] MalformedBroadcast()
    {
        var body = MessageCodec.Encode(new BroadcastMessage(Bytes(16, 16), context.Fuzzer.NodeKey, Bytes(1, 512), null, null));
        switch (random.Next(4))
        {
            case 0:
                body[50] ^= 0x40; // the payload length's high byte: it now declares a gigabyte more than follows
                break;
            case 1:
                body = body[..^random.Next(1, Math.Min(body.Length - 1, 40))];
                break;
            case 2:
                body = [.. body, (byte)random.Next(256)];
                break;
            default:
                body[1] = 0x01; // "signed", with no key or signature after the payload
                break;
        }
        return Frames.OfBody(body);
    }
}
