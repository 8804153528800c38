using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Identity;

/// <summary>
/// Creates a node identity file: a new ECDSA P-256 key and a self-signed certificate for it, both in one PEM file
/// with mode 0600. The node key is the SHA-256 of the certificate's SubjectPublicKeyInfo. An existing file is never
/// overwritten: an identity that is replaced is a node that is gone.
/// </summary>
public static class NodeKeygen
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Writes a new identity to <paramref name="path"/> and returns its node key.</summary>
    /// <exception cref="IOException">The file exists, or cannot be written (the message says which).</exception>
    public static NodeKey CreateFile(string path, TimeProvider? time = null)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full) || Directory.Exists(full))
        {
            throw new IOException($"{full} exists; keygen never overwrites an identity (move it away first)");
        }
        var (pem, nodeKey) = Create(time ?? TimeProvider.System);
        var directory = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}-{Random.Shared.Next():x8}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(pem));
                stream.Flush(flushToDisk: true);
            }
            // Without overwrite, .NET links the new name (link(2) fails if it exists), so a file created meanwhile survives.
            File.Move(temp, full, overwrite: false);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
        return nodeKey;
    }

    /// <summary>A new identity as PEM text (certificate, then PKCS#8 private key) and its node key.</summary>
    public static (string Pem, NodeKey NodeKey) Create(TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var nodeKey = NodeKey.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
        var request = new CertificateRequest($"CN=p2psecurity node {nodeKey.ToShortString()}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // A node is both a TLS server (accepting) and a TLS client (dialling bootstrap peers).
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], false));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
        var pem = certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
        return (pem, nodeKey);
    }
}
