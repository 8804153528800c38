using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Core.Tests.Protocol;

public sealed class BroadcastSigningTests
{
    [Fact]
    public void Verify_GenuineSignature_IsValid()
    {
        using var origin = NodeIdentity.Create();

        var message = BroadcastSigning.Create(origin, [1, 2, 3], sign: true);

        Assert.Equal(SignatureCheck.Valid, BroadcastSigning.Verify(message));
    }

    [Fact]
    public void Verify_Unsigned_IsNotSigned()
    {
        using var origin = NodeIdentity.Create();

        Assert.Equal(SignatureCheck.NotSigned, BroadcastSigning.Verify(BroadcastSigning.Create(origin, [1], sign: false)));
    }

    [Fact]
    public void Verify_AnyChangedField_IsInvalid()
    {
        using var origin = NodeIdentity.Create();
        using var other = NodeIdentity.Create();
        var message = BroadcastSigning.Create(origin, [1, 2, 3], sign: true);
        var flipped = (byte[])message.Signature!.Clone();
        flipped[10] ^= 1;

        Assert.Equal(SignatureCheck.Invalid, BroadcastSigning.Verify(message with { Payload = [1, 2, 4] }));
        Assert.Equal(SignatureCheck.Invalid, BroadcastSigning.Verify(message with { Id = new byte[16] }));
        Assert.Equal(SignatureCheck.Invalid, BroadcastSigning.Verify(message with { Signature = flipped }));
        // Another node's key that hashes to another origin, or the right origin with someone else's key.
        Assert.Equal(SignatureCheck.Invalid, BroadcastSigning.Verify(message with { Origin = other.NodeKey }));
        Assert.Equal(SignatureCheck.Invalid, BroadcastSigning.Verify(message with { OriginPublicKey = other.SubjectPublicKeyInfo }));
    }

    [Fact]
    public void Verify_GarbagePublicKey_IsInvalidNotAnException()
    {
        using var origin = NodeIdentity.Create();
        var garbage = new byte[] { 1, 2, 3 };
        var message = BroadcastSigning.Create(origin, [1], sign: true) with
        {
            OriginPublicKey = garbage,
            Origin = Core.Policy.NodeKey.FromSubjectPublicKeyInfo(garbage),
        };

        Assert.Equal(SignatureCheck.Invalid, BroadcastSigning.Verify(message));
    }

    [Fact]
    public void SignedBytes_AreLabelIdOriginLengthPayload()
    {
        using var origin = NodeIdentity.Create();
        var id = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();

        var bytes = BroadcastSigning.SignedBytes(id, origin.NodeKey, [7, 8]);

        Assert.Equal("p2psecurity-broadcast-v1"u8.ToArray(), bytes[..24]);
        Assert.Equal(id, bytes[24..40]);
        Assert.Equal(origin.NodeKey.ToString(), Convert.ToHexStringLower(bytes[40..72]));
        Assert.Equal(new byte[] { 0, 0, 0, 2, 7, 8 }, bytes[72..]);
    }

    [Fact]
    public void SignedBytes_Version2_AreLabelTimestampIdOriginLengthPayload()
    {
        using var origin = NodeIdentity.Create();
        var id = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();

        var bytes = BroadcastSigning.SignedBytes(0x0102030405060708, id, origin.NodeKey, [7, 8]);

        Assert.Equal("p2psecurity-broadcast-v2"u8.ToArray(), bytes[..24]);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, bytes[24..32]);
        Assert.Equal(id, bytes[32..48]);
        Assert.Equal(origin.NodeKey.ToString(), Convert.ToHexStringLower(bytes[48..80]));
        Assert.Equal(new byte[] { 0, 0, 0, 2, 7, 8 }, bytes[80..]);
    }

    [Fact]
    public void Verify_Version2WithChangedTimestamp_IsInvalid()
    {
        using var origin = NodeIdentity.Create();
        var message = BroadcastSigning.Create(origin, [1, 2, 3], sign: true);

        Assert.Equal(SignatureCheck.Valid, BroadcastSigning.Verify(message));
        Assert.Equal(SignatureCheck.Invalid, BroadcastSigning.Verify(message with { TimestampMs = message.TimestampMs + 1 }));
        Assert.Equal(SignatureCheck.Invalid, BroadcastSigning.Verify(message with { TimestampMs = null }));
    }
}
