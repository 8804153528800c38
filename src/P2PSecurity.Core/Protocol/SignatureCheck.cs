namespace P2PSecurity.Core.Protocol;

/// <summary>What checking a broadcast's origin signature found.</summary>
public enum SignatureCheck
{
    /// <summary>The message carries no signature.</summary>
    NotSigned,

    /// <summary>The signature verifies against a public key whose SHA-256 is the message's origin node key.</summary>
    Valid,

    /// <summary>The public key does not hash to the origin, is not ECDSA P-256, or the signature does not verify.</summary>
    Invalid,
}
