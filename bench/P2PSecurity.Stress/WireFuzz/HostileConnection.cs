using System.Net.Sockets;
using P2PSecurity.Stress.Infrastructure;

namespace P2PSecurity.Stress.WireFuzz;

/// <summary>
/// Runs one hostile connection of a given kind from a fresh address and reports how it ended. This part: the kinds
/// that attack before TLS; the other parts attack the node handshake and the session.
/// </summary>
internal sealed partial class HostileConnection(HostileContext context, Random random)
{
    private static readonly TimeSpan ConnectBound = TimeSpan.FromSeconds(10);

    public async Task<HostileOutcome> RunAsync(HostileKind kind, CancellationToken ct)
    {
        Socket socket;
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connectTimeout.CancelAfter(ConnectBound);
            socket = await RawSocket.ConnectAsync(context.Server, context.Addresses.Next(), connectTimeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new HostileOutcome(HostileResult.ConnectFailed, $"{kind}: {ex.Message}");
        }
        using (socket)
        {
            try
            {
                return await RunOnAsync(kind, socket, ct);
            }
            catch (Exception ex) when (ex is IOException or SocketException or System.Security.Authentication.AuthenticationException)
            {
                // Writes and TLS fail once the server has closed: that is the close this harness waits for.
                return new HostileOutcome(HostileResult.ClosedByServer);
            }
        }
    }

    private Task<HostileOutcome> RunOnAsync(HostileKind kind, Socket socket, CancellationToken ct) => kind switch
    {
        HostileKind.RandomBytesBeforeTls => SendRawAndWaitAsync(socket, Bytes(1, 16_384), ct),
        HostileKind.PlaintextFrameBeforeTls => SendRawAndWaitAsync(socket, Wire.Frames.Of(SomeMessage()), ct),
        HostileKind.FakeTlsRecord => SendRawAndWaitAsync(socket, FakeTlsRecord(), ct),
        HostileKind.TruncatedTlsHello => SendRawAndWaitAsync(socket, context.TlsClientHello[..random.Next(1, context.TlsClientHello.Length)], ct),
        HostileKind.TlsHelloThenGarbage => SendRawAndWaitAsync(socket, [.. context.TlsClientHello, .. Bytes(1, 4096)], ct),
        HostileKind.ResetDuringTls => ResetDuringTlsAsync(socket, ct),
        HostileKind.ConnectAndClose => Task.FromResult(HostileOutcome.ClientLeft),
        HostileKind.Tls12Only => Tls12OnlyAsync(socket, ct),
        HostileKind.NoCertificate => NoCertificateAsync(socket, ct),
        HostileKind.GarbageBeneathTls => GarbageBeneathTlsAsync(socket, ct),
        HostileKind.PipelinedHello => PipelinedHelloAsync(socket, ct),
        >= HostileKind.GarbageInsideTls and <= HostileKind.MutatedHello => BeforeHelloAsync(kind, socket, ct),
        _ => SessionAsync(kind, socket, ct),
    };

    private async Task<HostileOutcome> SendRawAndWaitAsync(Socket socket, byte[] bytes, CancellationToken ct)
    {
        await socket.SendAsync(bytes, SocketFlags.None, ct);
        return HostileOutcome.FromClose(await RawSocket.WaitForCloseAsync(socket, context.Bound, ct), "raw bytes");
    }

    private async Task<HostileOutcome> ResetDuringTlsAsync(Socket socket, CancellationToken ct)
    {
        await socket.SendAsync(context.TlsClientHello.AsMemory(0, random.Next(1, context.TlsClientHello.Length)), SocketFlags.None, ct);
        RawSocket.Reset(socket);
        return HostileOutcome.ClientLeft;
    }

    private byte[] FakeTlsRecord()
    {
        var declared = random.Next(4) switch
        {
            0 => 0,
            1 => 0xFFFF,
            _ => random.Next(1, 16_385),
        };
        var header = new byte[] { 0x16, 0x03, (byte)random.Next(5), (byte)(declared >> 8), (byte)declared };
        return [.. header, .. Bytes(0, Math.Min(declared, 4096))];
    }

    private byte[] Bytes(int min, int max)
    {
        var bytes = new byte[random.Next(min, max + 1)];
        random.NextBytes(bytes);
        return bytes;
    }
}
