using System.Security.Cryptography;
using System.Text;

namespace P2PSecurity.Stress.RawTls;

/// <summary>
/// The ClientHello this client sends (TLS 1.3 only, TLS_AES_128_GCM_SHA256, an secp256r1 key share) and the
/// parts of the ServerHello it needs.
/// </summary>
public static class Tls13Hellos
{
    public const ushort Secp256r1 = 0x0017;
    public const ushort Aes128GcmSha256 = 0x1301;
    public const ushort EcdsaSecp256r1Sha256 = 0x0403;

    // SHA-256("HelloRetryRequest"): a ServerHello with this random asks for another key share.
    private static readonly byte[] HelloRetryRandom = Convert.FromHexString("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    /// <summary>A ClientHello handshake message (type, length, body) offering <paramref name="publicPoint"/> (65 bytes, uncompressed).</summary>
    public static byte[] ClientHello(byte[] publicPoint, string serverName)
    {
        var random = RandomNumberGenerator.GetBytes(32);
        var sessionId = RandomNumberGenerator.GetBytes(32);
        var name = Encoding.ASCII.GetBytes(serverName);
        return TlsWriter.Handshake(1, b => b
            .U16(0x0303)
            .Bytes(random)
            .Vector8(s => s.Bytes(sessionId))
            .Vector16(s => s.U16(Aes128GcmSha256))
            .Vector8(c => c.U8(0))
            .Vector16(e =>
            {
                e.U16(0x0000).Vector16(x => x.Vector16(l => l.U8(0).Vector16(n => n.Bytes(name))));                 // server_name
                e.U16(0x000a).Vector16(x => x.Vector16(l => l.U16(Secp256r1)));                                      // supported_groups
                e.U16(0x000d).Vector16(x => x.Vector16(l => l.U16(EcdsaSecp256r1Sha256).U16(0x0804).U16(0x0805)
                    .U16(0x0806).U16(0x0503).U16(0x0603)));                                                           // signature_algorithms
                e.U16(0x002b).Vector16(x => x.Vector8(l => l.U16(0x0304)));                                           // supported_versions
                e.U16(0x002d).Vector16(x => x.Vector8(l => l.U8(1)));                                                 // psk_key_exchange_modes
                e.U16(0x0033).Vector16(x => x.Vector16(l => l.U16(Secp256r1).Vector16(k => k.Bytes(publicPoint)))); // key_share
            }));
    }

    /// <summary>A whole ClientHello record with a fresh key share, for clients that will never finish the handshake.</summary>
    public static byte[] SampleRecord()
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        return TlsRecordLayer.Plain(TlsRecordLayer.Handshake, ClientHello([4, .. q.X!, .. q.Y!], Core.Protocol.ProtocolConstants.TlsServerName));
    }

    /// <summary>The server's key share (65 bytes) from a ServerHello body; anything this client did not offer throws.</summary>
    public static byte[] ServerKeyShare(byte[] body)
    {
        var r = new TlsReader(body);
        r.U16();
        var random = r.Bytes(32);
        if (random.AsSpan().SequenceEqual(HelloRetryRandom))
        {
            throw new InvalidDataException("the server sent a HelloRetryRequest (it wants another key share)");
        }
        r.Vector8();
        var suite = r.U16();
        if (suite != Aes128GcmSha256)
        {
            throw new InvalidDataException($"the server chose cipher suite 0x{suite:x4}, which was not offered");
        }
        r.U8();
        var extensions = r.Sub(r.U16());
        byte[]? share = null;
        var version = 0;
        while (!extensions.AtEnd)
        {
            var type = extensions.U16();
            var data = extensions.Sub(extensions.U16());
            if (type == 0x0033)
            {
                var group = data.U16();
                share = group == Secp256r1 ? data.Vector16() : throw new InvalidDataException($"the server's key share is for group 0x{group:x4}");
            }
            else if (type == 0x002b)
            {
                version = data.U16();
            }
        }
        if (version != 0x0304)
        {
            throw new InvalidDataException($"the server did not choose TLS 1.3 (supported_versions 0x{version:x4})");
        }
        return share ?? throw new InvalidDataException("the ServerHello has no key share");
    }
}
