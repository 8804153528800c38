using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.Stress.RawTls;
using P2PSecurity.Stress.Wire;

namespace P2PSecurity.Stress.SlowClients;

/// <summary>
/// One slow client: connects, misbehaves slowly, and times how long after its connect the server closed it. TLS is
/// done as <paramref name="stranger"/> (allowed, so that only the timeout closes it) or, for
/// <see cref="SlowKind.BlockedThenSilent"/>, as <paramref name="blocked"/>.
/// </summary>
internal sealed class SlowClient(IPEndPoint server, NodeIdentity stranger, NodeIdentity blocked, TimeSpan bound)
{
    private static readonly TimeSpan DripInterval = TimeSpan.FromMilliseconds(250);

    private readonly Tls13ClientAuth _strangerAuth = AuthOf(stranger);
    private readonly Tls13ClientAuth _blockedAuth = AuthOf(blocked);

    private static Tls13ClientAuth AuthOf(NodeIdentity identity)
    {
        var key = identity.Certificate.GetECDsaPrivateKey()!;
        return new Tls13ClientAuth
        {
            CertificateDer = identity.Certificate.RawData,
            SignCertificateVerify = content => key.SignData(content, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
        };
    }

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
                if (kind == SlowKind.BlockedThenSilent)
                {
                    return await BlockedThenSilentAsync(socket, clock, ct);
                }
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
        using var tls = await Tls13Client.HandshakeAsync(network, _strangerAuth, ProtocolConstants.TlsServerName, ct);
        tlsDone();
        return await RawSocket.WaitForCloseAsync(socket, bound, ct);
    }

    /// <summary>
    /// A complete TLS handshake as the blocked node, then silence: reads what the server sends in place of its
    /// ServerHello (it must be a Refusal) and when, then waits for the close.
    /// </summary>
    private async Task<SlowOutcome> BlockedThenSilentAsync(Socket socket, Stopwatch clock, CancellationToken ct)
    {
        const SlowKind kind = SlowKind.BlockedThenSilent;
        await using var network = new NetworkStream(socket, ownsSocket: false);
        using var tls = await Tls13Client.HandshakeAsync(network, _blockedAuth, ProtocolConstants.TlsServerName, ct);
        var tlsDone = clock.Elapsed;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(bound);
        NodeMessage? first;
        try
        {
            first = await Frames.ReadAsync(tls.AsStream(), timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SlowOutcome(kind, SlowResult.LeftOpen, clock.Elapsed, "no message and no close", tlsDone);
        }
        catch (InvalidDataException ex)
        {
            return new SlowOutcome(kind, SlowResult.Closed, clock.Elapsed, ex.Message, tlsDone);
        }
        var firstAt = clock.Elapsed;
        var seen = first is null ? new CloseObservation(true, 0, TimeSpan.Zero) : await RawSocket.WaitForCloseAsync(socket, bound, ct);
        var refusal = first as RefusalMessage;
        var detail = first switch
        {
            RefusalMessage => null,
            null => "closed without a Refusal",
            _ => $"got {first.Type} instead of a Refusal",
        };
        return new SlowOutcome(kind, seen.Closed ? SlowResult.Closed : SlowResult.LeftOpen, clock.Elapsed, detail, tlsDone,
            refusal?.Reason, refusal is null ? null : firstAt);
    }
}
