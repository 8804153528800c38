using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Identity;

/// <summary>
/// A node's identity: an ECDSA P-256 key and a self-signed certificate for it. The node key is the SHA-256 of the
/// certificate's SubjectPublicKeyInfo; nothing else in the certificate (names, dates, issuer) means anything here.
/// </summary>
/// <remarks>
/// Stored as one PEM file holding a CERTIFICATE block and a PRIVATE KEY (PKCS#8) or EC PRIVATE KEY block, in either
/// order, so a file made by <c>openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes</c> (key and
/// certificate concatenated) loads too.
/// </remarks>
public sealed class NodeIdentity : IDisposable
{
    private readonly ECDsa _key;

    private NodeIdentity(X509Certificate2 certificate, ECDsa key, string? path)
    {
        Certificate = certificate;
        _key = key;
        Path = path;
        SubjectPublicKeyInfo = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        NodeKey = NodeKey.FromSubjectPublicKeyInfo(SubjectPublicKeyInfo);
    }

    /// <summary>The certificate, with its private key, ready for TLS.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The DER SubjectPublicKeyInfo of the key (what the node key hashes; sent with signed broadcasts).</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    public NodeKey NodeKey { get; }

    /// <summary>The file this identity was loaded from or written to; null for one made in memory.</summary>
    public string? Path { get; }

    /// <summary>Makes a new identity in memory.</summary>
    public static NodeIdentity Create()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        var shortKey = NodeKey.FromSubjectPublicKeyInfo(spki).ToShortString();
        var request = new CertificateRequest($"CN=p2psecurity node {shortKey}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // Dates are not checked by nodes (the key is the identity); a long validity keeps other TLS stacks quiet.
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(30));
        return new NodeIdentity(ForTls(certificate), key, null);
    }

    /// <summary>
    /// Creates a new identity file (mode 0600) and returns the identity. Fails when the file already exists: an
    /// identity is never overwritten, because every peer that trusts its node key would lose it.
    /// </summary>
    public static NodeIdentity CreateFile(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (File.Exists(fullPath))
        {
            throw new NodeIdentityException($"{fullPath} already exists; an identity file is never overwritten");
        }
        var fresh = Create();
        var text = fresh.ExportPem();
        var directory = System.IO.Path.GetDirectoryName(fullPath)!;
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            // Move without overwrite: if another process created the file meanwhile, its identity wins and stays.
            File.Move(temp, fullPath, overwrite: false);
        }
        catch (IOException ex) when (File.Exists(fullPath))
        {
            DeleteTemporary(temp);
            throw new NodeIdentityException($"{fullPath} already exists; an identity file is never overwritten", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DeleteTemporary(temp);
            throw new NodeIdentityException($"cannot write identity file {fullPath}: {ex.Message}", ex);
        }
        fresh.Dispose();
        return Load(fullPath);
    }

    /// <summary>Loads an identity file; when it does not exist, creates it (like an SSH host key).</summary>
    public static NodeIdentity LoadOrCreate(string path, out bool created)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        created = false;
        if (File.Exists(fullPath))
        {
            return Load(fullPath);
        }
        try
        {
            var identity = CreateFile(fullPath);
            created = true;
            return identity;
        }
        catch (NodeIdentityException) when (File.Exists(fullPath))
        {
            return Load(fullPath); // another process created it first
        }
    }

    /// <summary>Loads an identity file. Errors name the file and what is wrong.</summary>
    public static NodeIdentity Load(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NodeIdentityException($"cannot read identity file {fullPath}: {ex.Message}", ex);
        }
        return FromPem(text, fullPath);
    }

    /// <summary>Reads an identity from PEM text (certificate and private key blocks).</summary>
    public static NodeIdentity FromPem(string pem, string? path = null)
    {
        var where = path ?? "identity PEM";
        if (pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new NodeIdentityException($"{where}: the private key is encrypted; a node identity needs an unencrypted key (openssl -nodes)");
        }
        if (!pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw new NodeIdentityException($"{where}: no CERTIFICATE block; expected a certificate and its private key in PEM");
        }
        if (!pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new NodeIdentityException($"{where}: no PRIVATE KEY block; expected a certificate and its private key in PEM");
        }
        X509Certificate2 publicOnly;
        try
        {
            publicOnly = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new NodeIdentityException($"{where}: the certificate cannot be read: {ex.Message}", ex);
        }
        using (publicOnly)
        {
            using var publicKey = publicOnly.GetECDsaPublicKey()
                ?? throw new NodeIdentityException($"{where}: the certificate's key is {publicOnly.PublicKey.Oid.FriendlyName ?? publicOnly.PublicKey.Oid.Value}, a node identity is an ECDSA P-256 key");
            var curve = publicKey.ExportParameters(false).Curve;
            if (!curve.IsNamed || curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new NodeIdentityException($"{where}: the key is on curve {curve.Oid.FriendlyName ?? curve.Oid.Value}, a node identity is ECDSA P-256 (prime256v1)");
            }
        }
        var key = ECDsa.Create();
        X509Certificate2 withKey;
        try
        {
            key.ImportFromPem(pem);
            using var certificate = X509Certificate2.CreateFromPem(pem);
            withKey = certificate.CopyWithPrivateKey(key);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new NodeIdentityException($"{where}: the private key cannot be used with the certificate: {ex.Message}", ex);
        }
        return new NodeIdentity(ForTls(withKey), key, path);
    }

    /// <summary>The certificate and the private key (PKCS#8) as PEM, certificate first.</summary>
    public string ExportPem() =>
        Certificate.ExportCertificatePem() + "\n" + _key.ExportPkcs8PrivateKeyPem() + "\n";

    /// <summary>Signs data with the identity key: ECDSA P-256, SHA-256, IEEE P1363 (r || s, 64 bytes).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }

    // Windows' TLS stack cannot use an ephemeral key; a PKCS#12 round trip gives it a persisted one. Elsewhere the
    // certificate is used as it is.
    private static X509Certificate2 ForTls(X509Certificate2 certificate)
    {
        if (!OperatingSystem.IsWindows())
        {
            return certificate;
        }
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }

    private static void DeleteTemporary(string path)
    {
        // File.Delete does nothing for a file that is not there; this only runs on a path that already failed.
        File.Delete(path);
    }
}
