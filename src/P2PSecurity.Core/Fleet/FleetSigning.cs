using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Fleet;

/// <summary>
/// Operator signatures on fleet entries and snapshots: ECDSA P-256 with SHA-256 (IEEE P1363), made with a node
/// identity from <c>keygen</c>, over UTF-8 text that binds the fleet name and the stream id, so an entry copied to
/// another id, another fleet or tampered with in any byte no longer verifies:
/// <c>"p2psecurity-fleet-v1\n" FLEET "\n" ID "\n" PREV "\n" DECISION</c>, and for a snapshot
/// <c>"p2psecurity-fleet-snapshot-v1\n" FLEET "\n" COVERS "\n" BODY</c>.
/// </summary>
public sealed class FleetSigning
{
    private readonly string _fleet;
    private readonly FrozenSet<NodeKey> _operators;
    private readonly ConcurrentDictionary<NodeKey, ECDsa?> _keys = new();

    public FleetSigning(string fleet, IEnumerable<NodeKey> operators)
    {
        _fleet = fleet;
        _operators = operators.ToFrozenSet();
    }

    public string Fleet => _fleet;

    public IReadOnlySet<NodeKey> Operators => _operators;

    public static byte[] EntryBytes(string fleet, StreamId id, StreamId prev, string payload) =>
        Encoding.UTF8.GetBytes($"p2psecurity-fleet-v1\n{fleet}\n{id}\n{prev}\n{payload}");

    public static byte[] SnapshotBytes(string fleet, StreamId covers, string body) =>
        Encoding.UTF8.GetBytes($"p2psecurity-fleet-snapshot-v1\n{fleet}\n{covers}\n{body}");

    /// <summary>A new entry, signed by <paramref name="signer"/>.</summary>
    public FleetEntry Sign(NodeIdentity signer, StreamId id, StreamId prev, FleetDecision decision)
    {
        var payload = decision.ToString();
        return new FleetEntry(id, prev, payload, signer.SubjectPublicKeyInfo, signer.Sign(EntryBytes(_fleet, id, prev, payload)));
    }

    public FleetSnapshot SignSnapshot(NodeIdentity signer, StreamId covers, string body) =>
        new(covers, body, signer.SubjectPublicKeyInfo, signer.Sign(SnapshotBytes(_fleet, covers, body)));

    /// <summary>Why an entry is not applied, or <see cref="FleetVerdict.Valid"/>.</summary>
    public FleetVerdict Verify(FleetEntry entry) =>
        Check(entry.SignerPublicKey, entry.Signature, () => EntryBytes(_fleet, entry.Id, entry.Prev, entry.Payload));

    public FleetVerdict Verify(FleetSnapshot snapshot) =>
        Check(snapshot.SignerPublicKey, snapshot.Signature, () => SnapshotBytes(_fleet, snapshot.Covers, snapshot.Body));

    private FleetVerdict Check(byte[] spki, byte[] signature, Func<byte[]> data)
    {
        var signer = NodeKey.FromSubjectPublicKeyInfo(spki);
        if (!_operators.Contains(signer))
        {
            return FleetVerdict.UnknownSigner;
        }
        try
        {
            var key = _keys.GetOrAdd(signer, static (_, bytes) => Import(bytes), spki);
            return key is not null && key.VerifyData(data(), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                ? FleetVerdict.Valid
                : FleetVerdict.BadSignature;
        }
        catch (CryptographicException)
        {
            return FleetVerdict.BadSignature;
        }
    }

    private static ECDsa? Import(byte[] spki)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            var curve = key.ExportParameters(false).Curve;
            if (read == spki.Length && curve.IsNamed && curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                return key;
            }
        }
        catch (CryptographicException)
        {
            // Not a P-256 key: no signature from it verifies.
        }
        key.Dispose();
        return null;
    }
}

/// <summary>The outcome of checking a fleet entry or snapshot.</summary>
public enum FleetVerdict
{
    Valid,

    /// <summary>Signed by a key not in FLEET_OPERATOR_KEYS (or written by someone with no key at all).</summary>
    UnknownSigner,

    /// <summary>The signature does not verify: tampered, replayed at another id or in another fleet, or garbage.</summary>
    BadSignature,

    /// <summary>The fields cannot be read, or the decision's text is not a decision.</summary>
    Malformed,
}
