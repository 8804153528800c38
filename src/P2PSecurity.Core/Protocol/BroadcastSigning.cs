using System.Buffers.Binary;
using System.Security.Cryptography;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Protocol;

/// <summary>
/// Origin signatures on broadcasts. The originator signs, with its node identity key (ECDSA P-256, SHA-256), the
/// bytes <c>"p2psecurity-broadcast-v1" || id (16) || origin node key (32) || payload length (u32 BE) || payload</c>;
/// relays forward the signature untouched, and any receiver checks it against the originator's node key.
/// </summary>
public static class BroadcastSigning
{
    private static ReadOnlySpan<byte> Label => "p2psecurity-broadcast-v1"u8;

    /// <summary>The exact bytes an originator signs.</summary>
    public static byte[] SignedBytes(ReadOnlySpan<byte> id, NodeKey origin, ReadOnlySpan<byte> payload)
    {
        var data = new byte[Label.Length + BroadcastMessage.IdSize + ProtocolConstants.NodeKeySize + 4 + payload.Length];
        var span = data.AsSpan();
        Label.CopyTo(span);
        span = span[Label.Length..];
        id.CopyTo(span);
        span = span[BroadcastMessage.IdSize..];
        origin.WriteBytes(span);
        span = span[ProtocolConstants.NodeKeySize..];
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)payload.Length);
        payload.CopyTo(span[4..]);
        return data;
    }

    /// <summary>A new broadcast from <paramref name="origin"/> with a fresh random id, signed when asked.</summary>
    public static BroadcastMessage Create(NodeIdentity origin, byte[] payload, bool sign)
    {
        var id = RandomNumberGenerator.GetBytes(BroadcastMessage.IdSize);
        if (!sign)
        {
            return new BroadcastMessage(id, origin.NodeKey, payload, null, null);
        }
        var signature = origin.Sign(SignedBytes(id, origin.NodeKey, payload));
        return new BroadcastMessage(id, origin.NodeKey, payload, origin.SubjectPublicKeyInfo, signature);
    }

    /// <summary>Checks a broadcast's signature against its origin node key.</summary>
    public static SignatureCheck Verify(BroadcastMessage message)
    {
        if (message.Signature is null || message.OriginPublicKey is null)
        {
            return SignatureCheck.NotSigned;
        }
        if (message.Signature.Length != ProtocolConstants.SignatureSize ||
            NodeKey.FromSubjectPublicKeyInfo(message.OriginPublicKey) != message.Origin)
        {
            return SignatureCheck.Invalid;
        }
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(message.OriginPublicKey, out var read);
            var curve = key.ExportParameters(false).Curve;
            if (read != message.OriginPublicKey.Length || !curve.IsNamed || curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                return SignatureCheck.Invalid;
            }
            var data = SignedBytes(message.Id, message.Origin, message.Payload);
            return key.VerifyData(data, message.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                ? SignatureCheck.Valid
                : SignatureCheck.Invalid;
        }
        catch (CryptographicException)
        {
            // Not an EC key, or bytes that are no key at all: a peer's garbage, not our fault.
            return SignatureCheck.Invalid;
        }
    }
}
