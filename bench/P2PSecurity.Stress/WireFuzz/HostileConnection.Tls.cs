using System.Net.Sockets;
using System.Security.Authentication;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.Stress.Wire;

namespace P2PSecurity.Stress.WireFuzz;

/// <summary>Kinds that attack TLS itself, and the node handshake before it finished.</summary>
internal sealed partial class HostileConnection
{
    private static readonly byte[] KnownTypes = [.. Enum.GetValues<MessageType>().Select(t => (byte)t)];

    private async Task<HostileOutcome> Tls12OnlyAsync(Socket socket, CancellationToken ct)
    {
#pragma warning disable CA5398 // Offering only TLS 1.2 is the attack: the server must refuse it.
        await using var tls = await TlsConnection.AuthenticateAsync(socket, context.Stranger.Certificate, ct, SslProtocols.Tls12);
#pragma warning restore CA5398
        return HostileOutcome.Unexpected($"TLS 1.2 was negotiated ({tls.Tls.SslProtocol})");
    }

    private async Task<HostileOutcome> NoCertificateAsync(Socket socket, CancellationToken ct)
    {
        await using var tls = await TlsConnection.AuthenticateAsync(socket, null, ct);
        var seen = await RawSocket.WaitForCloseAsync(tls.Tls, context.Bound, ct);
        return seen.BytesBefore > 0
            ? HostileOutcome.Unexpected($"a client without a certificate received {seen.BytesBefore} bytes of application data")
            : HostileOutcome.FromClose(seen, "no certificate");
    }

    private async Task<HostileOutcome> GarbageBeneathTlsAsync(Socket socket, CancellationToken ct)
    {
        await using var tls = await TlsConnection.AuthenticateAsync(socket, context.Stranger.Certificate, ct);
        await socket.SendAsync(Bytes(1, 4096), SocketFlags.None, ct);
        return HostileOutcome.FromClose(await RawSocket.WaitForCloseAsync(socket, context.Bound, ct), "garbage beneath TLS");
    }

    /// <summary>After TLS, before (or instead of) a proper ClientHello.</summary>
    private async Task<HostileOutcome> BeforeHelloAsync(HostileKind kind, Socket socket, CancellationToken ct)
    {
        var identity = kind == HostileKind.MutatedHello || random.Next(2) == 0 ? context.Stranger : context.Fuzzer;
        await using var tls = await TlsConnection.AuthenticateAsync(socket, identity.Certificate, ct);
        var offence = kind switch
        {
            HostileKind.GarbageInsideTls => Bytes(1, 8192),
            HostileKind.HugeDeclaredLength => [.. Frames.Header(HugeLength()), .. Bytes(0, 64)],
            HostileKind.ZeroLength => Frames.Header(0),
            HostileKind.TruncatedFrame => TruncatedFrame(),
            HostileKind.UnknownMessageType => UnknownTypeFrame(),
            HostileKind.MessageBeforeHello => Frames.Of(SomeMessage()),
            HostileKind.MalformedHello => MalformedHello(),
            _ => MutatedHello(),
        };
        await tls.WriteAsync(offence, ct);
        if (kind == HostileKind.MutatedHello)
        {
            return await NoWelcomeAsync(tls, ct);
        }
        return HostileOutcome.FromClose(await RawSocket.WaitForCloseAsync(tls.Tls, context.Bound, ct), kind.ToString());
    }

    /// <summary>Reads the server's messages until it closes: an unlisted node must never see a Welcome, whatever it sent.</summary>
    private async Task<HostileOutcome> NoWelcomeAsync(TlsConnection tls, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(context.Bound);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (await Frames.ReadOrNullAsync(tls.Tls, timeout.Token) is { } message)
            {
                if (message is WelcomeMessage)
                {
                    return HostileOutcome.Unexpected("a mutated hello from an unlisted node was welcomed");
                }
            }
            return new HostileOutcome(HostileResult.ClosedByServer, null, clock.Elapsed);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new HostileOutcome(HostileResult.LeftOpen, $"mutated hello: still open after {clock.Elapsed.TotalSeconds:F1} s");
        }
        catch (InvalidDataException ex)
        {
            return HostileOutcome.Unexpected("the server sent a bad frame: " + ex.Message);
        }
    }

    /// <summary>ClientHello and a Ping in one write, before the server's hello was even read: both must be answered.</summary>
    private async Task<HostileOutcome> PipelinedHelloAsync(Socket socket, CancellationToken ct)
    {
        await using var tls = await TlsConnection.AuthenticateAsync(socket, context.Fuzzer.Certificate, ct);
        var ping = new PingMessage(Bytes(1, 32));
        var hello = new ClientHelloMessage(ProtocolConstants.Version, Bytes(32, 32), null);
        await tls.WriteAsync([.. Frames.Of(hello), .. Frames.Of(ping)], ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(context.Bound);
        var seen = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var message = await Frames.ReadOrNullAsync(tls.Tls, timeout.Token);
            seen.Add(message?.Type.ToString() ?? "close");
            if (message is null)
            {
                // Closed before the welcome under load (handshake timeout) is the server's right; after it, not.
                return seen.Contains(nameof(MessageType.Welcome))
                    ? HostileOutcome.Unexpected("pipelined hello: closed after the welcome: " + string.Join(", ", seen))
                    : new HostileOutcome(HostileResult.ClosedByServer);
            }
        }
        if (string.Join(",", seen) != "ServerHello,Welcome,Pong")
        {
            return HostileOutcome.Unexpected("pipelined hello: got " + string.Join(", ", seen));
        }
        await tls.WriteAsync(Frames.Of(new GoodbyeMessage(GoodbyeReason.Leaving, "done")), ct);
        return HostileOutcome.ClientLeft;
    }

    private uint HugeLength() => random.Next(5) switch
    {
        0 => (uint)context.MaxFrameSize + 1,
        1 => int.MaxValue,
        2 => 1u << 31,
        3 => uint.MaxValue,
        _ => (uint)context.MaxFrameSize + 2 + (uint)random.NextInt64(0, (1L << 31) - context.MaxFrameSize),
    };

    private byte[] TruncatedFrame()
    {
        // Mostly small; one in ten declares near the maximum and sends most of it, to load the server's buffers.
        var big = random.Next(10) == 0;
        var declared = big ? context.MaxFrameSize - random.Next(1024) : random.Next(2, 64 * 1024);
        var sent = big ? declared - 1 - random.Next(1024) : random.Next(0, declared);
        return [.. Frames.Header((uint)declared), .. Bytes(sent, sent)];
    }

    private byte[] UnknownTypeFrame()
    {
        byte type;
        do
        {
            type = (byte)random.Next(256);
        }
        while (KnownTypes.Contains(type));
        return Frames.OfBody([type, .. Bytes(0, 1024)]);
    }

    private byte[] MalformedHello()
    {
        byte[] body = random.Next(5) switch
        {
            0 => [(byte)MessageType.ClientHello, .. Bytes(0, 100)],                                   // any length
            1 => [(byte)MessageType.ClientHello, (byte)random.Next(2, 256), 0, .. Bytes(32, 32)],       // unknown version
            2 => [(byte)MessageType.ClientHello, ProtocolConstants.Version, 1, .. Bytes(32, 32)],     // proof flag, no proof
            3 => [(byte)MessageType.ClientHello, ProtocolConstants.Version, 0, .. Bytes(64, 64)],     // proof, no flag
            _ => [(byte)MessageType.ClientHello, ProtocolConstants.Version, 0, .. Bytes(33, 40)],     // trailing bytes
        };
        return Frames.OfBody(body);
    }

    private byte[] MutatedHello()
    {
        var frame = Frames.Of(new ClientHelloMessage(ProtocolConstants.Version, Bytes(32, 32), random.Next(2) == 0 ? null : Bytes(32, 32)));
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            frame[random.Next(frame.Length)] ^= (byte)random.Next(1, 256);
        }
        return frame;
    }

    private NodeMessage SomeMessage() => random.Next(8) switch
    {
        0 => new PingMessage(Bytes(0, 64)),
        1 => new PongMessage(Bytes(0, 64)),
        2 => new GoodbyeMessage(GoodbyeReason.Leaving, "x"),
        3 => new DroppedMessage(Core.Security.DenyReason.MessageRateExceeded, MessageType.Ping, null),
        4 => new BroadcastMessage(Bytes(16, 16), context.Fuzzer.NodeKey, Bytes(0, 256), null, null),
        5 => new WelcomeMessage(null, 1024, 1, 1, null),
        6 => new ServerHelloMessage(ProtocolConstants.Version, false, true, Bytes(32, 32), context.Stranger.NodeKey),
        _ => new RefusalMessage(Core.Security.DenyReason.ProtocolViolation, "x"),
    };
}
