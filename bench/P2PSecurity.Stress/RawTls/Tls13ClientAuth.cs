namespace P2PSecurity.Stress.RawTls;

/// <summary>
/// What the raw TLS client presents when the server asks for a certificate, down to the parts a normal TLS stack
/// keeps consistent: the certificate sent and the key that signs CertificateVerify need not belong together.
/// </summary>
public sealed class Tls13ClientAuth
{
    /// <summary>The DER certificate sent in the Certificate message; null sends an empty certificate list.</summary>
    public byte[]? CertificateDer { get; init; }

    /// <summary>
    /// Signs the CertificateVerify content (ECDSA P-256 with SHA-256, DER signature). Null leaves CertificateVerify
    /// out altogether, going straight from Certificate to Finished.
    /// </summary>
    public Func<byte[], byte[]>? SignCertificateVerify { get; init; }

    /// <summary>Called with the CertificateVerify signature this client sent (to capture and replay it later).</summary>
    public Action<byte[]>? SignatureSent { get; init; }
}
