namespace P2PSecurity.Core.Fleet;

/// <summary>
/// One entry of the fleet's stream as it is stored: its id, the id of the last valid entry its publisher had applied
/// (<see cref="Prev"/>, which links the entries into a chain, so a node sees when entries are missing), the
/// decision's text, the operator's public key (SubjectPublicKeyInfo) and its signature. Fields: <c>d</c>, <c>p</c>,
/// <c>k</c> (base64), <c>s</c> (base64).
/// </summary>
public sealed record FleetEntry(StreamId Id, StreamId Prev, string Payload, byte[] SignerPublicKey, byte[] Signature)
{
    public const string PayloadField = "d";
    public const string PrevField = "p";
    public const string SignerField = "k";
    public const string SignatureField = "s";

    /// <summary>
    /// An entry from the raw fields Redis returned for <paramref name="id"/>, or null when a field is missing or
    /// cannot be read (such an entry is counted as rejected, never applied).
    /// </summary>
    public static FleetEntry? FromFields(StreamId id, IReadOnlyDictionary<string, string> fields)
    {
        if (!fields.TryGetValue(PayloadField, out var payload) || !fields.TryGetValue(PrevField, out var prevText) ||
            !fields.TryGetValue(SignerField, out var signer) || !fields.TryGetValue(SignatureField, out var signature) ||
            !StreamId.TryParse(prevText, out var prev))
        {
            return null;
        }
        var key = new byte[signer.Length];
        var sig = new byte[signature.Length];
        if (!Convert.TryFromBase64String(signer, key, out var keyLength) || !Convert.TryFromBase64String(signature, sig, out var sigLength))
        {
            return null;
        }
        return new FleetEntry(id, prev, payload, key[..keyLength], sig[..sigLength]);
    }

    /// <summary>The fields to XADD, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields() =>
    [
        new(PayloadField, Payload),
        new(PrevField, Prev.ToString()),
        new(SignerField, Convert.ToBase64String(SignerPublicKey)),
        new(SignatureField, Convert.ToBase64String(Signature)),
    ];
}
