using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using DotNetty.Handlers.Tls;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Step 3: DotNetty TLS handlers with this node's identity, TLS 1.3 only. The server always asks for a client
/// certificate (a node that has one is identified even where none is required); whether a missing one is refused
/// follows the policy in force at that handshake. No chain is built against the system trust store.
/// </summary>
internal sealed class NodeTlsFactory(NodeIdentity identity, ISecurityGate gate)
{
    private readonly SslStreamCertificateContext _certificate = SslStreamCertificateContext.Create(identity.Certificate, null, offline: true);
    private readonly ServerTlsSettings _serverSettings = new(identity.Certificate, true, false, SslProtocols.Tls13);
    private readonly ClientTlsSettings _clientSettings = new(SslProtocols.Tls13, false, [], ProtocolConstants.TlsServerName);

    public TlsHandler CreateServer(TlsPeer peer) =>
        new(stream => new NodeSslStream(stream, ServerOptions(peer)), _serverSettings);

    public TlsHandler CreateClient(TlsPeer peer) =>
        new(stream => new NodeSslStream(stream, ClientOptions(peer)), _clientSettings);

    private SslServerAuthenticationOptions ServerOptions(TlsPeer peer) => new()
    {
        ServerCertificateContext = _certificate,
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = NodeCertificates.IsolatedChainPolicy(),
        RemoteCertificateValidationCallback = (_, certificate, _, _) => peer.Accept(certificate, gate.ClientCertificateRequired),
    };

    private SslClientAuthenticationOptions ClientOptions(TlsPeer peer) => new()
    {
        TargetHost = ProtocolConstants.TlsServerName,
        ClientCertificateContext = _certificate,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = NodeCertificates.IsolatedChainPolicy(),
        // A server must present a certificate whatever the policy: without one it has no node key.
        RemoteCertificateValidationCallback = (_, certificate, _, _) => peer.Accept(certificate, certificateRequired: true),
    };
}
