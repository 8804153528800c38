using System.Runtime.Versioning;
using System.Security.Cryptography;
using P2PSecurity.Core.Editing;

namespace P2PSecurity.Core.Tests.Editing;

[SupportedOSPlatform("linux")]
public sealed class PolicyFileRewriterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Replace_ValidText_WritesExactlyThoseBytesAndKeepsTheMode()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        File.WriteAllText(path, "MAX_CONNECTIONS_PER_IP=5\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var rewriter = new PolicyFileRewriter(path);
        var (_, sha) = rewriter.Read();
        var text = "# edited in the dashboard\r\nMAX_CONNECTIONS_PER_IP=7   # seven\r\nUNKNOWN_SETTING=kept\r\n";

        var result = rewriter.Replace(text, sha, openNetwork: false, Ct);

        Assert.True(result.Written);
        Assert.Equal(text, File.ReadAllText(path));
        Assert.Equal(PolicyFileRewriter.Sha256(text), result.Sha256);
        Assert.Equal(7, result.Policy.MaxConnectionsPerIp);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Replace_InvalidText_WritesNothingAndNamesEveryError()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        File.WriteAllText(path, "MAX_CONNECTIONS_PER_IP=5\n");

        var error = Assert.Throws<PolicyEditException>(() =>
            new PolicyFileRewriter(path).Replace("MAX_CONNECTIONS_PER_IP=lots\nBLOCKED_IP_ADDRESSES=10.0.0.0/33\n", null, openNetwork: false, Ct));

        Assert.Equal(PolicyEditFailure.InvalidPolicy, error.Failure);
        Assert.Contains("MAX_CONNECTIONS_PER_IP", error.Message, StringComparison.Ordinal);
        Assert.Contains("10.0.0.0/33", error.Message, StringComparison.Ordinal);
        Assert.Equal("MAX_CONNECTIONS_PER_IP=5\n", File.ReadAllText(path));
    }

    [Fact]
    public void Replace_FileChangedSinceItWasRead_IsAConflictAndWritesNothing()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        File.WriteAllText(path, "MAX_CONNECTIONS_PER_IP=5\n");
        var rewriter = new PolicyFileRewriter(path);
        var (_, sha) = rewriter.Read();
        File.WriteAllText(path, "MAX_CONNECTIONS_PER_IP=6\n"); // someone else's edit

        var error = Assert.Throws<PolicyEditException>(() => rewriter.Replace("MAX_CONNECTIONS_PER_IP=9\n", sha, openNetwork: false, Ct));

        Assert.Equal(PolicyEditFailure.Conflict, error.Failure);
        Assert.Equal("MAX_CONNECTIONS_PER_IP=6\n", File.ReadAllText(path));
    }

    [Fact]
    public void Replace_EmptiesTheAllowList_RefusedUnlessOpenNetwork()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        File.WriteAllText(path, $"ALLOWED_NODE_KEYS={NewKey()}\n");
        var rewriter = new PolicyFileRewriter(path);

        var error = Assert.Throws<PolicyEditException>(() => rewriter.Replace("MAX_CONNECTIONS_PER_IP=5\n", null, openNetwork: false, Ct));
        Assert.Equal(PolicyEditFailure.WouldOpenNetwork, error.Failure);

        Assert.True(rewriter.Replace("MAX_CONNECTIONS_PER_IP=5\n", null, openNetwork: true, Ct).Written);
        Assert.Equal("MAX_CONNECTIONS_PER_IP=5\n", File.ReadAllText(path));
    }

    [Fact]
    public void Replace_SameText_WritesNothing()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        File.WriteAllText(path, "MAX_CONNECTIONS_PER_IP=5\n");
        var before = File.GetLastWriteTimeUtc(path);

        Assert.False(new PolicyFileRewriter(path).Replace("MAX_CONNECTIONS_PER_IP=5\n", null, openNetwork: false, Ct).Written);
        Assert.Equal(before, File.GetLastWriteTimeUtc(path));
    }
}
