using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace P2PSecurity.Stress.RawTls;

/// <summary>
/// A minimal TLS 1.3 client written for the impersonation attacks: full handshake with an secp256r1 key share and
/// TLS_AES_128_GCM_SHA256, and a client certificate and CertificateVerify chosen freely (see
/// <see cref="Tls13ClientAuth"/>), which no regular TLS stack lets a caller do. It does not check the server's
/// certificate or Finished: an attacker would not either. With a matching certificate and key it is an ordinary
/// client, which is how the harness shows that its attacks fail for the right reason.
/// </summary>
public sealed class Tls13Client : IDisposable
{
    private const byte CertificateRequestType = 13;
    private const byte CertificateType = 11;
    private const byte FinishedType = 20;
    private static readonly byte[] ClientVerifyLabel = Encoding.ASCII.GetBytes("TLS 1.3, client CertificateVerify");

    private readonly Stream _network;
    private readonly RecordProtection _read;
    private readonly RecordProtection _write;

    private Tls13Client(Stream network, RecordProtection read, RecordProtection write, X509Certificate2? serverCertificate)
    {
        _network = network;
        _read = read;
        _write = write;
        ServerCertificate = serverCertificate;
    }

    /// <summary>The certificate the server presented.</summary>
    public X509Certificate2? ServerCertificate { get; }

    /// <summary>The alert the server ended the connection with, once one was read.</summary>
    public TlsAlertException? Alert { get; private set; }

    /// <summary>
    /// Runs the handshake up to and including the client's Finished. In TLS 1.3 the server judges the client's
    /// certificate after that, so a refusal shows as an alert or a close on the first read.
    /// </summary>
    public static async Task<Tls13Client> HandshakeAsync(Stream network, Tls13ClientAuth auth, string serverName, CancellationToken ct)
    {
        using var ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = ecdh.ExportParameters(false).Q;
        var point = new byte[65];
        point[0] = 4;
        q.X!.CopyTo(point, 1);
        q.Y!.CopyTo(point, 33);
        using var transcript = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        var clientHello = Tls13Hellos.ClientHello(point, serverName);
        transcript.AppendData(clientHello);
        await network.WriteAsync(TlsRecordLayer.Plain(TlsRecordLayer.Handshake, clientHello), ct);
        await network.FlushAsync(ct);

        var messages = new HandshakeReader(network);
        var serverHello = await messages.NextPlainAsync(ct);
        if (serverHello[0] != 2)
        {
            throw new InvalidDataException($"expected ServerHello, got handshake message {serverHello[0]}");
        }
        transcript.AppendData(serverHello);
        var shared = SharedSecret(ecdh, Tls13Hellos.ServerKeyShare(serverHello[4..]));
        var handshakeSecret = Tls13KeySchedule.HandshakeSecret(shared);
        var helloHash = transcript.GetCurrentHash();
        var clientHandshake = Tls13KeySchedule.DeriveSecret(handshakeSecret, "c hs traffic", helloHash);
        var serverHandshake = Tls13KeySchedule.DeriveSecret(handshakeSecret, "s hs traffic", helloHash);
        using var readHandshake = new RecordProtection(serverHandshake);
        messages.Protect(readHandshake);

        byte[]? requestContext = null;
        X509Certificate2? serverCertificate = null;
        while (true)
        {
            var message = await messages.NextAsync(ct);
            transcript.AppendData(message);
            if (message[0] == CertificateRequestType)
            {
                requestContext = new TlsReader(message, 4).Vector8();
            }
            else if (message[0] == CertificateType)
            {
                serverCertificate = FirstCertificate(message);
            }
            else if (message[0] == FinishedType)
            {
                break;
            }
        }
        var serverFinishedHash = transcript.GetCurrentHash();
        var master = Tls13KeySchedule.MasterSecret(handshakeSecret);
        var clientApplication = Tls13KeySchedule.DeriveSecret(master, "c ap traffic", serverFinishedHash);
        var serverApplication = Tls13KeySchedule.DeriveSecret(master, "s ap traffic", serverFinishedHash);

        using var writeHandshake = new RecordProtection(clientHandshake);
        var flight = new MemoryStream();
        if (requestContext is not null)
        {
            var certificate = TlsWriter.Handshake(CertificateType, b => b
                .Vector8(c => c.Bytes(requestContext))
                .Vector24(list =>
                {
                    if (auth.CertificateDer is { } der)
                    {
                        list.Vector24(c => c.Bytes(der)).Vector16(_ => { });
                    }
                }));
            transcript.AppendData(certificate);
            flight.Write(writeHandshake.Seal(TlsRecordLayer.Handshake, certificate));
            if (auth.CertificateDer is not null && auth.SignCertificateVerify is { } sign)
            {
                var signature = sign(VerifyContent(transcript.GetCurrentHash()));
                auth.SignatureSent?.Invoke(signature);
                var verify = TlsWriter.Handshake(15, b => b.U16(Tls13Hellos.EcdsaSecp256r1Sha256).Vector16(s => s.Bytes(signature)));
                transcript.AppendData(verify);
                flight.Write(writeHandshake.Seal(TlsRecordLayer.Handshake, verify));
            }
        }
        var finished = TlsWriter.Handshake(FinishedType, b => b.Bytes(Tls13KeySchedule.FinishedData(clientHandshake, transcript.GetCurrentHash())));
        flight.Write(writeHandshake.Seal(TlsRecordLayer.Handshake, finished));
        await network.WriteAsync(flight.ToArray(), ct);
        await network.FlushAsync(ct);
        return new Tls13Client(network, new RecordProtection(serverApplication), new RecordProtection(clientApplication), serverCertificate);
    }

    /// <summary>Sends application data.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        for (var offset = 0; offset < data.Length; offset += TlsRecordLayer.MaxPlaintext)
        {
            var chunk = data.Slice(offset, Math.Min(TlsRecordLayer.MaxPlaintext, data.Length - offset));
            await _network.WriteAsync(_write.Seal(TlsRecordLayer.ApplicationData, chunk.Span), ct);
        }
        await _network.FlushAsync(ct);
    }

    /// <summary>
    /// The next application data; empty when the server closed (end of stream, close_notify). Any other alert
    /// throws <see cref="TlsAlertException"/>. Post-handshake messages (session tickets) are skipped.
    /// </summary>
    public async Task<byte[]> ReadAsync(CancellationToken ct)
    {
        while (true)
        {
            if (await TlsRecordLayer.ReadAsync(_network, ct) is not var (header, payload))
            {
                return [];
            }
            var (type, content) = header[0] switch
            {
                TlsRecordLayer.ApplicationData => _read.Open(header, payload),
                TlsRecordLayer.ChangeCipherSpec => (TlsRecordLayer.ChangeCipherSpec, []),
                _ => (header[0], payload),
            };
            switch (type)
            {
                case TlsRecordLayer.ApplicationData:
                    return content;
                case TlsRecordLayer.Alert:
                    if (content.Length == 2 && content[1] == 0)
                    {
                        return []; // close_notify
                    }
                    Alert = new TlsAlertException(content);
                    throw Alert;
            }
        }
    }

    /// <summary>The connection as a stream of application data, for the frame reader.</summary>
    public Stream AsStream() => new Tls13Stream(this);

    public void Dispose()
    {
        _read.Dispose();
        _write.Dispose();
    }

    private static byte[] SharedSecret(ECDiffieHellman own, byte[] point)
    {
        if (point.Length != 65 || point[0] != 4)
        {
            throw new InvalidDataException("the server's key share is not an uncompressed P-256 point");
        }
        using var peer = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });
        return own.DeriveRawSecretAgreement(peer.PublicKey);
    }

    /// <summary>What CertificateVerify signs: 64 spaces, the context string, a zero byte, the transcript hash.</summary>
    private static byte[] VerifyContent(byte[] transcriptHash)
    {
        var content = new byte[64 + ClientVerifyLabel.Length + 1 + transcriptHash.Length];
        content.AsSpan(0, 64).Fill(0x20);
        ClientVerifyLabel.CopyTo(content, 64);
        transcriptHash.CopyTo(content, 64 + ClientVerifyLabel.Length + 1);
        return content;
    }

    private static X509Certificate2 FirstCertificate(byte[] message)
    {
        var r = new TlsReader(message, 4);
        r.Vector8();
        var list = r.Sub(r.U24());
        return X509CertificateLoader.LoadCertificate(list.Vector24());
    }
}
