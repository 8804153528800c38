using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using P2PSecurity.Core.Identity;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.Stress.RawTls;

namespace P2PSecurity.Stress.SlowClients;

/// <summary>One slow client: connects, misbehaves slowly, and times how long after its connect the server closed it.</summary>
internal sealed class SlowClient(IPEndPoint server, NodeIdentity stranger, TimeSpan bound)
{
    private static readonly TimeSpan DripInterval = TimeSpan.FromMilliseconds(250);

    private readonly ECDsa _key = stranger.Certificate.GetECDsaPrivateKey()!;
    private readonly byte[] _certificate = stranger.Certificate.RawData;

    private Tls13ClientAuth Auth => new()
    {
        CertificateDer = _certificate,
        SignCertificateVerify = content => _key.SignData(content, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
    };

    /// <summary>Connects (under <paramref name="opening"/>, so that thousands do not all dial at once) and waits for the server's close.</summary>
    public async Task<SlowOutcome> RunAsync(SlowKind kind, IPAddress local, SemaphoreSlim opening, CancellationToken ct)
    {
        await opening.WaitAsync(ct);
        Socket socket;
        // Timed from before the connect: the kernel completes a loopback connect before the server accepts it, so
        // this clock never starts after the server's (a clock started after the await would, on a busy thread pool).
        var clock = Stopwatch.StartNew();
        try
        {
            socket = await RawSocket.ConnectAsync(server, local, ct);
        }
        catch (SocketException ex)
        {
            return new SlowOutcome(kind, SlowResult.ConnectFailed, TimeSpan.Zero, ex.Message);
        }
        finally
        {
            opening.Release();
        }
        using (socket)
        {
            try
            {
                TimeSpan? tlsDone = null;
                var seen = kind switch
                {
                    SlowKind.Silent => await RawSocket.WaitForCloseAsync(socket, bound, ct),
                    SlowKind.PartialTlsHello => await PartialAsync(socket, ct),
                    SlowKind.Drip => await DripAsync(socket, ct),
                    _ => await TlsThenSilentAsync(socket, () => tlsDone = clock.Elapsed, ct),
                };
                return new SlowOutcome(kind, seen.Closed ? SlowResult.Closed : SlowResult.LeftOpen, clock.Elapsed, null, tlsDone);
            }
            catch (Exception ex) when (ex is IOException or SocketException or System.Security.Authentication.AuthenticationException)
            {
                // The server closed while this client was still writing or in TLS: that close is what is timed.
                return new SlowOutcome(kind, SlowResult.Closed, clock.Elapsed, null);
            }
        }
    }

    private async Task<CloseObservation> PartialAsync(Socket socket, CancellationToken ct)
    {
        var hello = Tls13Hellos.SampleRecord();
        await socket.SendAsync(hello.AsMemory(0, hello.Length / 2), SocketFlags.None, ct);
        return await RawSocket.WaitForCloseAsync(socket, bound, ct);
    }

    private async Task<CloseObservation> DripAsync(Socket socket, CancellationToken ct)
    {
        var hello = Tls13Hellos.SampleRecord();
        var closed = RawSocket.WaitForCloseAsync(socket, bound, ct);
        for (var i = 0; i < hello.Length && !closed.IsCompleted; i++)
        {
            await socket.SendAsync(hello.AsMemory(i, 1), SocketFlags.None, ct);
            await Task.WhenAny(closed, Task.Delay(DripInterval, ct));
        }
        return await closed;
    }

    /// <summary>
    /// A complete TLS handshake with a certificate, then silence. Done with the hand-built TLS client, which skips what
    /// the harness does not need (checking the server's certificate and signature): the harness shares the server's
    /// cores, and every millisecond of its own TLS work is one the server does not get.
    /// </summary>
    private async Task<CloseObservation> TlsThenSilentAsync(Socket socket, Action tlsDone, CancellationToken ct)
    {
        await using var network = new NetworkStream(socket, ownsSocket: false);
        using var tls = await Tls13Client.HandshakeAsync(network, Auth, Core.Protocol.ProtocolConstants.TlsServerName, ct);
        tlsDone();
        return await RawSocket.WaitForCloseAsync(socket, bound, ct);
    }
}
