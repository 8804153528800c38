using System.Security.Cryptography.X509Certificates;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Server.Pipeline;

/// <summary>What one connection's TLS handshake learned about the peer: its node key, or that it had no certificate.</summary>
internal sealed class TlsPeer
{
    public NodeKey? NodeKey { get; private set; }

    /// <summary>True when the peer presented no certificate.</summary>
    public bool CertificateMissing { get; private set; }

    /// <summary>
    /// The certificate validation callback's decision. Self-signed certificates are expected, so chain errors are
    /// ignored and the node key taken from the leaf decides later, at the node gate. A missing certificate is the
    /// case an always-true callback would let through: it passes only when no certificate is required.
    /// </summary>
    public bool Accept(X509Certificate? certificate, bool certificateRequired)
    {
        if (certificate is null)
        {
            CertificateMissing = true;
            return !certificateRequired;
        }
        NodeKey = NodeCertificates.NodeKeyOf(certificate);
        return true;
    }
}
