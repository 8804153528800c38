using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Stress.Infrastructure;

namespace P2PSecurity.Stress.Wire;

/// <summary>
/// A TLS client connection with the socket in reach (NodeClient hides it): for writing garbage beneath TLS,
/// offering protocols the server refuses, or presenting no certificate.
/// </summary>
public sealed class TlsConnection : IAsyncDisposable
{
    private TlsConnection(Socket socket, SslStream tls)
    {
        Socket = socket;
        Tls = tls;
    }

    public Socket Socket { get; }

    public SslStream Tls { get; }

    /// <summary>Connects from <paramref name="local"/> and runs the TLS handshake with <paramref name="identity"/> (null: no certificate).</summary>
    public static async Task<TlsConnection> ConnectAsync(IPEndPoint server, IPAddress local, X509Certificate2? certificate,
        CancellationToken ct, SslProtocols protocols = SslProtocols.Tls13) =>
        await AuthenticateAsync(await RawSocket.ConnectAsync(server, local, ct), certificate, ct, protocols);

    /// <summary>Runs the TLS handshake on a connected socket, which the connection then owns (also when the handshake fails).</summary>
    public static async Task<TlsConnection> AuthenticateAsync(Socket socket, X509Certificate2? certificate,
        CancellationToken ct, SslProtocols protocols = SslProtocols.Tls13)
    {
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = ProtocolConstants.TlsServerName,
                EnabledSslProtocols = protocols,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                CertificateChainPolicy = NodeCertificates.IsolatedChainPolicy(),
                ClientCertificateContext = certificate is null ? null : SslStreamCertificateContext.Create(certificate, null, offline: true),
                RemoteCertificateValidationCallback = static (_, cert, _, _) => cert is not null,
            }, ct);
            return new TlsConnection(socket, tls);
        }
        catch
        {
            await tls.DisposeAsync();
            socket.Dispose();
            throw;
        }
    }

    public async Task WriteAsync(byte[] bytes, CancellationToken ct)
    {
        await Tls.WriteAsync(bytes, ct);
        await Tls.FlushAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Tls.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // The server closed first; disposing an SslStream may try to write.
            Socket.Dispose();
            return;
        }
        Socket.Dispose();
    }
}
