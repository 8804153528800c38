using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using P2PSecurity.Core.Identity;
using P2PSecurity.Server.Hosting;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The dashboard's TLS certificate: DASHBOARD_CERT_FILE as a PEM file holding a certificate and its private key, or
/// <c>self-signed</c> for one made like the node identity (ECDSA P-256, in <c>dashboard_tls.pem</c> beside the
/// policy file, 0600), whose SHA-256 fingerprint is printed at start so a browser's warning can be checked.
/// </summary>
internal static class DashboardCertificate
{
    public const string SelfSigned = "self-signed";

    public const string SelfSignedFile = "dashboard_tls.pem";

    public static (X509Certificate2 Certificate, string Path, bool Created) Load(string setting, Func<string, string> resolve)
    {
        var selfSigned = setting.Equals(SelfSigned, StringComparison.OrdinalIgnoreCase);
        var path = resolve(selfSigned ? SelfSignedFile : setting);
        try
        {
            if (selfSigned)
            {
                // NodeIdentity makes and keeps exactly such a file: an ECDSA P-256 key and a self-signed certificate, 0600.
                using var identity = NodeIdentity.LoadOrCreate(path, out var created);
                return (Reload(path), path, created);
            }
            return (Reload(path), path, false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or NodeIdentityException)
        {
            throw new StartupException($"DASHBOARD_CERT_FILE {path}: {ex.Message}", ex);
        }
    }

    public static string Fingerprint(X509Certificate2 certificate) =>
        Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)).ToLowerInvariant();

    /// <summary>Kestrel wants a certificate whose key it can use on every platform: export and re-import it.</summary>
    private static X509Certificate2 Reload(string path)
    {
        using var pem = X509Certificate2.CreateFromPemFile(path);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
