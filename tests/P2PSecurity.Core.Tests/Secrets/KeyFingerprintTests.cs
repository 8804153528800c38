using System.Security.Cryptography;
using System.Text;
using P2PSecurity.Core.Secrets;

namespace P2PSecurity.Core.Tests.Secrets;

public sealed class KeyFingerprintTests
{
    [Theory]
    [InlineData("first-secret-value-1", "e466a92c")]
    [InlineData("other-secret-value-2", "831a6d0b")]
    public void Of_Secret_IsFirstEightHexDigitsOfLabelledSha256(string secret, string expected)
    {
        Assert.Equal(expected, KeyFingerprint.Of(secret));
    }

    [Fact]
    public void Of_NonAsciiSecret_HashesItsUtf8Bytes()
    {
        const string secret = "clé-réseau-ünïcode-0123";
        var expected = Convert.ToHexStringLower(SHA256.HashData([.. "p2psecurity-key-fingerprint"u8, .. Encoding.UTF8.GetBytes(secret)]))[..8];

        Assert.Equal(expected, KeyFingerprint.Of(secret));
    }

    [Fact]
    public void Of_Empty_IsNone()
    {
        Assert.Equal("none", KeyFingerprint.Of(string.Empty));
    }
}
