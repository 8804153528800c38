using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// An <see cref="SslStream"/> that authenticates with full options. DotNetty's TlsHandler calls the short
/// overloads (certificate, protocols, revocation flag); those cannot set the chain policy, the certificate context
/// or the validation callback, so this stream answers them with the options it was made with.
/// </summary>
internal sealed class NodeSslStream : SslStream
{
    private readonly SslServerAuthenticationOptions? _server;
    private readonly SslClientAuthenticationOptions? _client;

    public NodeSslStream(Stream inner, SslServerAuthenticationOptions server)
        : base(inner, leaveInnerStreamOpen: true) => _server = server;

    public NodeSslStream(Stream inner, SslClientAuthenticationOptions client)
        : base(inner, leaveInnerStreamOpen: true) => _client = client;

    public override Task AuthenticateAsServerAsync(X509Certificate serverCertificate, bool clientCertificateRequired, SslProtocols enabledSslProtocols, bool checkCertificateRevocation) =>
        AuthenticateAsServerAsync(_server ?? throw new InvalidOperationException("this stream was made for the client side"), CancellationToken.None);

    public override Task AuthenticateAsClientAsync(string targetHost, X509CertificateCollection? clientCertificates, SslProtocols enabledSslProtocols, bool checkCertificateRevocation) =>
        AuthenticateAsClientAsync(_client ?? throw new InvalidOperationException("this stream was made for the server side"), CancellationToken.None);
}
