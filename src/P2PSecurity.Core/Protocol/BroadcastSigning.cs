using System.Buffers.Binary;
using System.Security.Cryptography;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Protocol;

/// <summary>
/// Origin signatures on broadcasts. The originator signs, with its node identity key (ECDSA P-256, SHA-256), the
/// bytes <c>"p2psecurity-broadcast-v2" || timestamp (u64 BE, Unix ms) || id (16) || origin node key (32) ||
/// payload length (u32 BE) || payload</c> (version 1: <c>"p2psecurity-broadcast-v1"</c> and no timestamp); relays
/// forward the signature untouched, and any receiver checks it against the originator's node key.
/// </summary>
public static class BroadcastSigning
{
    private static ReadOnlySpan<byte> LabelV1 => "p2psecurity-broadcast-v1"u8;
    private static ReadOnlySpan<byte> LabelV2 => "p2psecurity-broadcast-v2"u8;

    /// <summary>The exact bytes an originator of a version 1 broadcast (no timestamp) signs.</summary>
    public static byte[] SignedBytes(ReadOnlySpan<byte> id, NodeKey origin, ReadOnlySpan<byte> payload) =>
        SignedBytes(null, id, origin, payload);

    /// <summary>The exact bytes an originator signs: version 2 when <paramref name="timestampMs"/> is set.</summary>
    public static byte[] SignedBytes(long? timestampMs, ReadOnlySpan<byte> id, NodeKey origin, ReadOnlySpan<byte> payload)
    {
        var label = timestampMs is null ? LabelV1 : LabelV2;
        var timestampSize = timestampMs is null ? 0 : 8;
        var data = new byte[label.Length + timestampSize + BroadcastMessage.IdSize + ProtocolConstants.NodeKeySize + 4 + payload.Length];
        var span = data.AsSpan();
        label.CopyTo(span);
        span = span[label.Length..];
        if (timestampMs is { } timestamp)
        {
            BinaryPrimitives.WriteInt64BigEndian(span, timestamp);
            span = span[8..];
        }
        id.CopyTo(span);
        span = span[BroadcastMessage.IdSize..];
        origin.WriteBytes(span);
        span = span[ProtocolConstants.NodeKeySize..];
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)payload.Length);
        payload.CopyTo(span[4..]);
        return data;
    }

    /// <summary>A new version 2 broadcast from <paramref name="origin"/>, stamped now, with a fresh random id, signed when asked.</summary>
    public static BroadcastMessage Create(NodeIdentity origin, byte[] payload, bool sign) =>
        Create(origin, payload, sign, TimeProvider.System.GetUtcNow());

    /// <summary>A new version 2 broadcast stamped with <paramref name="at"/> (the originator's clock).</summary>
    public static BroadcastMessage Create(NodeIdentity origin, byte[] payload, bool sign, DateTimeOffset at) =>
        Create(origin, payload, sign, at.ToUnixTimeMilliseconds());

    /// <summary>
    /// A version 1 broadcast (no timestamp), as nodes made before version 2 send it: for tests of interoperability
    /// and of the rule that drops it while <c>REJECT_UNSIGNED_MESSAGES</c> is on.
    /// </summary>
    public static BroadcastMessage CreateVersion1(NodeIdentity origin, byte[] payload, bool sign) =>
        Create(origin, payload, sign, timestampMs: null);

    private static BroadcastMessage Create(NodeIdentity origin, byte[] payload, bool sign, long? timestampMs)
    {
        var id = RandomNumberGenerator.GetBytes(BroadcastMessage.IdSize);
        if (!sign)
        {
            return new BroadcastMessage(id, origin.NodeKey, payload, null, null, timestampMs);
        }
        var signature = origin.Sign(SignedBytes(timestampMs, id, origin.NodeKey, payload));
        return new BroadcastMessage(id, origin.NodeKey, payload, origin.SubjectPublicKeyInfo, signature, timestampMs);
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
            var data = SignedBytes(message.TimestampMs, message.Id, message.Origin, message.Payload);
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
