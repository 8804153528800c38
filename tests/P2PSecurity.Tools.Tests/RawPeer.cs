using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// A peer that writes its own bytes (no NodeClient): for breaking the protocol on purpose, and for telling a
/// connection closed at accept (nothing is ever sent) from one that is let through to TLS.
/// </summary>
internal static class RawPeer
{
    /// <summary>
    /// Connects from <paramref name="local"/>, completes TLS with <paramref name="identity"/>'s certificate, reads the
    /// server's first frame, then sends a Ping where the ClientHello belongs (a protocol violation). Returns the
    /// refusal reason the server answers with (30, protocol_violation).
    /// </summary>
    public static async Task<byte> SendPingInHandshakeAsync(IPEndPoint server, string local, NodeIdentity identity, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var socket = await ConnectAsync(server, local, timeout.Token);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = ProtocolConstants.TlsServerName,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = NodeCertificates.IsolatedChainPolicy(),
            ClientCertificateContext = SslStreamCertificateContext.Create(identity.Certificate, null, offline: true),
            RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
        }, timeout.Token);
        var hello = await ReadFrameAsync(tls, timeout.Token);
        Assert.True(hello is [0x01, ..], "expected the server's hello first");
        // Ping (0x10) with no data, in place of the ClientHello.
        await tls.WriteAsync(new byte[] { 0, 0, 0, 1, 0x10 }, timeout.Token);
        await tls.FlushAsync(timeout.Token);
        var refusal = await ReadFrameAsync(tls, timeout.Token);
        Assert.True(refusal is [0x04, ..], "expected a Refusal for the ping in the handshake");
        return refusal![1];
    }

    /// <summary>
    /// True when the server closes a new TCP connection from <paramref name="local"/> without sending anything (a
    /// refusal at accept); false when it is still open after <paramref name="window"/> (let through, waiting for TLS).
    /// </summary>
    public static async Task<bool> ClosedAtAcceptAsync(IPEndPoint server, string local, TimeSpan window, CancellationToken ct)
    {
        using var socket = await ConnectAsync(server, local, ct);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(window);
        try
        {
            var n = await socket.ReceiveAsync(new byte[1], SocketFlags.None, wait.Token);
            Assert.Equal(0, n);
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>One frame's body (4-byte big-endian length, then the body); null when the server closed first.</summary>
    private static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken ct)
    {
        var prefix = new byte[4];
        if (await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, ct) < prefix.Length)
        {
            return null;
        }
        var body = new byte[System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(prefix)];
        Assert.InRange(body.Length, 1, 64 * 1024);
        await stream.ReadExactlyAsync(body, ct);
        return body;
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint server, string local, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(local), 0));
            await socket.ConnectAsync(server, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
