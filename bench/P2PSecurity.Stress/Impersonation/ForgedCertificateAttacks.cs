using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.Stress.RawTls;
using P2PSecurity.Stress.Wire;

namespace P2PSecurity.Stress.Impersonation;

/// <summary>
/// A client that has an allowed node's certificate (public: every TLS handshake shows it) but not its private key.
/// The attacker is granted the network secret, so that possession of the key is the only thing in its way.
/// Success: the server's TLS accepts the connection as that node (a ServerHello frame arrives).
/// </summary>
internal static class ForgedCertificateAttacks
{
    private const string Group = "forged-certificate";

    public static async Task<List<Attempt>> RunAsync(ImpersonationContext context, CancellationToken ct)
    {
        var victim = context.Cast.Victim;
        var victimKey = victim.Certificate.GetECDsaPrivateKey()!;
        using var attackerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[]? captured = null;
        var results = new List<Attempt>
        {
            // The raw client with the genuine key must get in: otherwise its failures below would prove nothing.
            await RawAsync(context, "raw-tls-genuine-key", control: AttemptStage.Welcomed, victim.NodeKey, new Tls13ClientAuth
            {
                CertificateDer = victim.Certificate.RawData,
                SignCertificateVerify = content => victimKey.SignData(content, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
                SignatureSent = signature => captured = signature,
            }, ct),
            // The same client with its own certificate passes TLS and meets the node gate: TLS success is visible.
            await RawAsync(context, "raw-tls-own-unlisted-identity", control: AttemptStage.NodeRefused, context.Cast.Attacker.NodeKey, new Tls13ClientAuth
            {
                CertificateDer = context.Cast.Attacker.Certificate.RawData,
                SignCertificateVerify = Signer(context.Cast.Attacker),
            }, ct),
            await RawAsync(context, "victim-cert-signed-by-other-key", control: null, victim.NodeKey, new Tls13ClientAuth
            {
                CertificateDer = victim.Certificate.RawData,
                SignCertificateVerify = content => attackerKey.SignData(content, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
            }, ct),
            await RawAsync(context, "victim-cert-without-certificate-verify", control: null, victim.NodeKey, new Tls13ClientAuth
            {
                CertificateDer = victim.Certificate.RawData,
                SignCertificateVerify = null,
            }, ct),
            await RawAsync(context, "victim-cert-replayed-signature", control: null, victim.NodeKey, new Tls13ClientAuth
            {
                CertificateDer = victim.Certificate.RawData,
                SignCertificateVerify = _ => captured ?? throw new HarnessException("no signature was captured from the genuine session"),
            }, ct),
            await RawAsync(context, "victim-key-in-attacker-made-certificate", control: null, victim.NodeKey, new Tls13ClientAuth
            {
                CertificateDer = ReissuedWithVictimKey(victim, attackerKey),
                SignCertificateVerify = content => attackerKey.SignData(content, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
            }, ct),
            await PublicOnlyCertificateAsync(context, ct),
        };
        return results;
    }

    private static Func<byte[], byte[]> Signer(NodeIdentity identity)
    {
        var key = identity.Certificate.GetECDsaPrivateKey()!;
        return content => key.SignData(content, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>
    /// The hand-built TLS 1.3 client presenting <paramref name="auth"/>, then the node handshake claiming
    /// <paramref name="claimed"/> with a genuine network-key proof.
    /// </summary>
    private static async Task<Attempt> RawAsync(ImpersonationContext context, string name, AttemptStage? control, NodeKey claimed,
        Tls13ClientAuth auth, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(context.StepTimeout);
        var successAt = control ?? AttemptStage.NodeRefused;
        try
        {
            using var socket = await RawSocket.ConnectAsync(context.EndPoint, context.Addresses.Next(), cts.Token);
            await using var network = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
            Tls13Client tls;
            try
            {
                tls = await Tls13Client.HandshakeAsync(network, auth, ProtocolConstants.TlsServerName, cts.Token);
            }
            catch (IOException ex)
            {
                return new Attempt(Group, name, control is not null, successAt, AttemptStage.TlsRefused, "during TLS: " + ex.Message);
            }
            using (tls)
            {
                var outcome = await NodeHandshake.RunAsync(tls.AsStream(), NodeHandshake.Genuine(context.Secret, claimed), cts.Token);
                var stage = !outcome.PastTls ? AttemptStage.TlsRefused : outcome.Welcomed ? AttemptStage.Welcomed : AttemptStage.NodeRefused;
                var alert = tls.Alert is null ? "" : $" (server sent {tls.Alert.Message})";
                return new Attempt(Group, name, control is not null, successAt, stage, outcome + alert);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            throw new HarnessException($"{Group}/{name}: the raw TLS client failed: {ex.Message}", ex);
        }
    }

    /// <summary>A certificate carrying the victim's public key, issued and signed by the attacker's key.</summary>
    private static byte[] ReissuedWithVictimKey(NodeIdentity victim, ECDsa attackerKey)
    {
        var request = new CertificateRequest(victim.Certificate.SubjectName, victim.Certificate.PublicKey, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var forged = request.Create(victim.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(attackerKey),
            now.AddDays(-1), now.AddYears(1), RandomNumberGenerator.GetBytes(8));
        return forged.RawData;
    }

    /// <summary>.NET's own TLS client handed the victim's certificate with no private key.</summary>
    private static async Task<Attempt> PublicOnlyCertificateAsync(ImpersonationContext context, CancellationToken ct)
    {
        const string name = "sslstream-public-only-certificate";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(context.StepTimeout);
        using var publicOnly = X509CertificateLoader.LoadCertificate(context.Cast.Victim.Certificate.RawData);
        using var socket = await RawSocket.ConnectAsync(context.EndPoint, context.Addresses.Next(), cts.Token);
        await using var tls = new SslStream(new System.Net.Sockets.NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = ProtocolConstants.TlsServerName,
                EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls13,
                CertificateChainPolicy = NodeCertificates.IsolatedChainPolicy(),
                ClientCertificates = [publicOnly],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => publicOnly,
                RemoteCertificateValidationCallback = static (_, cert, _, _) => cert is not null,
            }, cts.Token);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or NotSupportedException or CryptographicException)
        {
            return new Attempt(Group, name, false, AttemptStage.NodeRefused, AttemptStage.TlsRefused, "during TLS: " + ex.GetBaseException().Message);
        }
        var sent = tls.LocalCertificate is null ? "sent no certificate" : "sent the certificate";
        var outcome = await NodeHandshake.RunAsync(tls, NodeHandshake.Genuine(context.Secret, context.Cast.Victim.NodeKey), cts.Token);
        var stage = !outcome.PastTls ? AttemptStage.TlsRefused : outcome.Welcomed ? AttemptStage.Welcomed : AttemptStage.NodeRefused;
        return new Attempt(Group, name, false, AttemptStage.NodeRefused, stage, $"{sent}; {outcome}");
    }
}
