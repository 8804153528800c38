using System.Security.Cryptography.X509Certificates;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Identity;

/// <summary>How nodes treat each other's certificates in TLS: the key is the identity, nothing else is checked.</summary>
public static class NodeCertificates
{
    /// <summary>The node key of a certificate: SHA-256 of its SubjectPublicKeyInfo.</summary>
    public static NodeKey NodeKeyOf(X509Certificate certificate)
    {
        if (certificate is X509Certificate2 full)
        {
            return NodeKey.FromSubjectPublicKeyInfo(full.PublicKey.ExportSubjectPublicKeyInfo());
        }
        using var loaded = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return NodeKey.FromSubjectPublicKeyInfo(loaded.PublicKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>
    /// A chain policy for TLS that trusts nothing and fetches nothing: the TLS stack still builds a chain before the
    /// validation callback runs, and without this it would consult the system trust store and try downloads on
    /// every handshake, slow and meaningless for self-signed node certificates. The callback ignores chain errors.
    /// </summary>
    public static X509ChainPolicy IsolatedChainPolicy() => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
    };
}
