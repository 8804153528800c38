using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// A node's identity: the SHA-256 of its certificate's SubjectPublicKeyInfo. Printed as 64 lowercase hex digits,
/// the value <c>openssl x509 -pubkey -noout -in c.pem | openssl pkey -pubin -outform der | sha256sum</c> prints.
/// </summary>
/// <remarks>Held as four 64-bit words so that set look-ups hash and compare without touching strings.</remarks>
public readonly struct NodeKey : IEquatable<NodeKey>
{
    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private NodeKey(ReadOnlySpan<byte> hash)
    {
        _a = BinaryPrimitives.ReadUInt64BigEndian(hash);
        _b = BinaryPrimitives.ReadUInt64BigEndian(hash[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(hash[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(hash[24..]);
    }

    /// <summary>The key as 64 lowercase hex digits.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[32];
        WriteBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The first 16 hex digits: enough to tell keys apart in a log line.</summary>
    public string ToShortString() => ToString()[..16];

    /// <summary>Writes the 32 hash bytes.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>The node key of a DER-encoded SubjectPublicKeyInfo.</summary>
    public static NodeKey FromSubjectPublicKeyInfo(ReadOnlySpan<byte> spki)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(spki, hash);
        return new NodeKey(hash);
    }

    /// <summary>A node key from its 32 hash bytes.</summary>
    public static NodeKey FromHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != 32)
        {
            throw new ArgumentException("a node key is 32 bytes", nameof(hash));
        }
        return new NodeKey(hash);
    }

    /// <summary>
    /// Parses 64 hex digits in either case, optionally separated by ':' (as fingerprints are often printed) or
    /// with a leading <c>sha256:</c>. Returns false with a reason an operator can act on.
    /// </summary>
    public static bool TryParse(string? text, out NodeKey key, [NotNullWhen(false)] out string? error) =>
        TryParse(text.AsSpan(), out key, out error);

    /// <summary>As <see cref="TryParse(string?, out NodeKey, out string?)"/>, without a string per key (lists hold 100,000).</summary>
    internal static bool TryParse(ReadOnlySpan<char> text, out NodeKey key, [NotNullWhen(false)] out string? error)
    {
        key = default;
        Span<byte> bytes = stackalloc byte[32];
        // The form a list holds 100,000 of: exactly 64 hex digits, decoded and checked in one vectorised pass.
        if (text.Length == 64 && Convert.FromHexString(text, bytes, out _, out _) == System.Buffers.OperationStatus.Done)
        {
            key = new NodeKey(bytes);
            error = null;
            return true;
        }
        var s = text.Trim();
        if (s.IsEmpty)
        {
            error = "a node key is 64 hex digits, got nothing";
            return false;
        }
        if (s.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
        {
            s = s[7..];
        }
        Span<char> digits = stackalloc char[64];
        var count = 0;
        foreach (var c in s)
        {
            if (c == ':')
            {
                continue;
            }
            if (!char.IsAsciiHexDigit(c))
            {
                error = $"a node key is 64 hex digits (0-9, a-f), found {EnvFile.EnvFileParser.Describe(c)}";
                return false;
            }
            if (count == 64)
            {
                count++;
                break;
            }
            digits[count++] = c;
        }
        if (count != 64)
        {
            error = count > 64
                ? "a node key is 64 hex digits (SHA-256), this is longer"
                : $"a node key is 64 hex digits (SHA-256), found {count}";
            return false;
        }
        Convert.FromHexString(digits, bytes, out _, out _);
        key = new NodeKey(bytes);
        error = null;
        return true;
    }

    /// <summary>Parses a key, throwing <see cref="FormatException"/> with the reason.</summary>
    public static NodeKey Parse(string text) =>
        TryParse(text, out var key, out var error) ? key : throw new FormatException(error);

    /// <inheritdoc/>
    public bool Equals(NodeKey other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NodeKey other && Equals(other);

    /// <inheritdoc/>
    /// <remarks>The key is a SHA-256 output, so any 64 bits of it are already uniformly distributed.</remarks>
    public override int GetHashCode() => (int)(_a ^ (_a >> 32));

    /// <summary>Equality.</summary>
    public static bool operator ==(NodeKey left, NodeKey right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(NodeKey left, NodeKey right) => !left.Equals(right);
}
