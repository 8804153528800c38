using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// Which NETWORK_SECRET_KEY a connection proved, without keeping the secret: an HMAC of the secret under a key drawn
/// at random when the process starts, cut to 128 bits. Equal secrets give equal fingerprints within one process, so a
/// reload can tell whether the secret a session proved is still accepted; a fingerprint seen outside the process (a
/// memory dump) cannot be tested against guessed secrets without the process key. <c>default</c> means "proved none".
/// </summary>
internal readonly record struct NetworkSecretFingerprint(UInt128 Value)
{
    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);

    // Reloads ask for the fingerprint of the same secrets once per live connection; the policy keeps its strings, so
    // remembering the last two by reference (the current and, during a rotation, the previous key) makes an eviction
    // pass over many sessions hash each secret once.
    private static Cached? _last;
    private static Cached? _beforeLast;

    public static NetworkSecretFingerprint None => default;

    public bool IsNone => Value == UInt128.Zero;

    /// <summary>The fingerprint of <paramref name="secret"/>; <see cref="None"/> for no secret.</summary>
    public static NetworkSecretFingerprint Of(string secret)
    {
        if (secret.Length == 0)
        {
            return None;
        }
        var last = Volatile.Read(ref _last);
        if (last is not null && ReferenceEquals(last.Secret, secret))
        {
            return last.Fingerprint;
        }
        var beforeLast = Volatile.Read(ref _beforeLast);
        if (beforeLast is not null && ReferenceEquals(beforeLast.Secret, secret))
        {
            return beforeLast.Fingerprint;
        }
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(ProcessKey, Encoding.UTF8.GetBytes(secret), mac);
        var value = BinaryPrimitives.ReadUInt128BigEndian(mac);
        // Zero is "none"; a secret that hashed to it (probability 2^-128) still needs a fingerprint of its own.
        var fingerprint = new NetworkSecretFingerprint(value == UInt128.Zero ? UInt128.One : value);
        Volatile.Write(ref _beforeLast, last);
        Volatile.Write(ref _last, new Cached(secret, fingerprint));
        return fingerprint;
    }

    /// <summary>
    /// Whether a connection that proved this satisfies <paramref name="policy"/>: always when the policy has no network
    /// secret, otherwise only when it proved a secret the policy accepts. This is the one place that says which secrets
    /// a policy accepts: NETWORK_SECRET_KEY, and during a rotation NETWORK_SECRET_KEY_PREVIOUS.
    /// </summary>
    public bool IsAcceptedBy(SecurityPolicy policy) =>
        policy.NetworkSecretKey.Length == 0 ||
        (!IsNone && (this == Of(policy.NetworkSecretKey) || (policy.NetworkSecretKeyPrevious.Length > 0 && this == Of(policy.NetworkSecretKeyPrevious))));

    public override string ToString() => IsNone ? "none" : "proven";

    private sealed record Cached(string Secret, NetworkSecretFingerprint Fingerprint);
}
