using System.Security.Cryptography;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Policy;

public sealed class NodeKeyTests
{
    private const string Hex = "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210";

    [Theory]
    [InlineData(Hex)]
    [InlineData("00112233445566778899AABBCCDDEEFF0123456789ABCDEFFEDCBA9876543210")]
    [InlineData("sha256:" + Hex)]
    [InlineData("SHA256:" + Hex)]
    [InlineData("  " + Hex + "\t")]
    [InlineData("00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:FE:DC:BA:98:76:54:32:10")]
    public void TryParse_AcceptedForm_NormalisesToLowercaseHex(string text)
    {
        Assert.True(NodeKey.TryParse(text, out var key, out var error), error);
        Assert.Equal(Hex, key.ToString());
        Assert.Equal(Hex[..16], key.ToShortString());
    }

    [Theory]
    [InlineData(null, "a node key is 64 hex digits, got nothing")]
    [InlineData("   ", "a node key is 64 hex digits, got nothing")]
    [InlineData("abc", "a node key is 64 hex digits (SHA-256), found 3")]
    [InlineData(Hex + "0", "a node key is 64 hex digits (SHA-256), this is longer")]
    [InlineData("x" + Hex, "a node key is 64 hex digits (0-9, a-f), found 'x'")]
    [InlineData("sha1:" + Hex, "a node key is 64 hex digits (0-9, a-f), found 's'")]
    [InlineData("0011\n2233", "a node key is 64 hex digits (0-9, a-f), found character U+000A")]
    public void TryParse_BadText_SaysWhy(string? text, string expected)
    {
        Assert.False(NodeKey.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_IsSha256OfTheDer()
    {
        var spki = RandomNumberGenerator.GetBytes(91);

        var key = NodeKey.FromSubjectPublicKeyInfo(spki);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(spki)), key.ToString());
        Span<byte> bytes = stackalloc byte[32];
        key.WriteBytes(bytes);
        Assert.Equal(key, NodeKey.FromHash(bytes));
    }

    [Fact]
    public void Equality_FollowsTheValue()
    {
        var a = NodeKey.Parse(Hex);
        var b = NodeKey.Parse("sha256:" + Hex.ToUpperInvariant());
        var c = TestKeys.Key(3);

        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a != c);
        Assert.False(a.Equals((object)c));
        Assert.Throws<FormatException>(() => NodeKey.Parse("zz"));
        Assert.Throws<ArgumentException>(() => NodeKey.FromHash(new byte[31]));
    }

    [Fact]
    public void Keys_DifferingOnlyAfterTheFirstWord_AreDistinct()
    {
        var a = NodeKey.Parse(new string('0', 63) + "1");
        var b = NodeKey.Parse(new string('0', 63) + "2");

        Assert.NotEqual(a, b);
        Assert.Equal(2, new HashSet<NodeKey> { a, b }.Count);
    }
}
