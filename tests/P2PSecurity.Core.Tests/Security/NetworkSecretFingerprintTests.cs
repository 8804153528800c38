using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Security;

public sealed class NetworkSecretFingerprintTests
{
    [Fact]
    public void Of_SameSecret_GivesTheSameFingerprintDifferentSecretsDiffer()
    {
        // Separate string instances: the fingerprint follows the content, not the reference the cache remembers.
        var one = NetworkSecretFingerprint.Of(new string("correct horse".AsSpan()));
        var again = NetworkSecretFingerprint.Of(new string("correct horse".AsSpan()));
        var other = NetworkSecretFingerprint.Of("correct horse!");

        Assert.Equal(one, again);
        Assert.NotEqual(one, other);
        Assert.False(one.IsNone);
        Assert.Equal(one, NetworkSecretFingerprint.Of(new string("correct horse".AsSpan())));
    }

    [Fact]
    public void Of_EmptySecret_IsNone()
    {
        Assert.True(NetworkSecretFingerprint.Of(string.Empty).IsNone);
    }

    [Fact]
    public void ToString_NeverShowsTheSecretOrItsValue()
    {
        var fingerprint = NetworkSecretFingerprint.Of("hunter2-network");

        Assert.Equal("proven", fingerprint.ToString());
        Assert.Equal("none", NetworkSecretFingerprint.None.ToString());
    }
}
