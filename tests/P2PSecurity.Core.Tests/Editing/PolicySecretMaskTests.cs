using P2PSecurity.Core.Editing;

namespace P2PSecurity.Core.Tests.Editing;

public sealed class PolicySecretMaskTests
{
    private const string File = "# net\nNETWORK_SECRET_KEY=\"s3cret-value-0123456789\" # keep\nMAX_CONNECTIONS_PER_IP=5\nNETWORK_SECRET_KEY_PREVIOUS=older-secret-9876543210\n";

    [Fact]
    public void Mask_SecretsWrittenInTheFile_ShowThePlaceholderAndNothingElseChanges()
    {
        var masked = PolicySecretMask.Mask(File);

        Assert.Equal("# net\nNETWORK_SECRET_KEY=<hidden> # keep\nMAX_CONNECTIONS_PER_IP=5\nNETWORK_SECRET_KEY_PREVIOUS=<hidden>\n", masked);
    }

    [Fact]
    public void Unmask_PlaceholderLeftInPlace_GetsTheFilesRawValueBack()
    {
        var edited = PolicySecretMask.Mask(File).Replace("=5", "=9", StringComparison.Ordinal);

        var text = PolicySecretMask.Unmask(edited, File);

        Assert.Equal(File.Replace("=5", "=9", StringComparison.Ordinal), text);
    }

    [Fact]
    public void Unmask_NewValueTyped_IsKept()
    {
        var edited = PolicySecretMask.Mask(File).Replace("NETWORK_SECRET_KEY=<hidden>", "NETWORK_SECRET_KEY=brand-new-key-abcdefgh", StringComparison.Ordinal);

        Assert.Contains("NETWORK_SECRET_KEY=brand-new-key-abcdefgh # keep", PolicySecretMask.Unmask(edited, File), StringComparison.Ordinal);
    }

    [Fact]
    public void Unmask_PlaceholderWithNothingInTheFile_IsRefused()
    {
        var error = Assert.Throws<PolicyEditException>(() => PolicySecretMask.Unmask("NETWORK_SECRET_KEY=<hidden>\n", "MAX_CONNECTIONS_PER_IP=5\n"));

        Assert.Contains("line 1: NETWORK_SECRET_KEY=<hidden>", error.Message, StringComparison.Ordinal);
    }
}
