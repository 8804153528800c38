using System.Runtime.Versioning;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Secrets;

/// <summary>
/// The key files read at start were read before anything stamped them: a key file replaced between that read and a
/// stamp taken after it would never be read again. The first check reads them once more instead.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class StartSecretFilesTests
{
    [Fact]
    public void FirstCheckAfterStart_ReadsTheKeyFilesOnceMore_ThenNotAgain_AndKeepsTheRevision()
    {
        using var keys = new TempFolder();
        var key = keys.Write("network.key", "start-key-0123456789abcdef\n");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var h = new ManagerHarness($"NETWORK_SECRET_KEY_FILE={key}\n");
        var readsAtStart = h.Manager.FileReads;

        Assert.False(h.Manager.CheckConfigReload());
        var afterFirst = h.Manager.FileReads;
        Assert.False(h.Manager.CheckConfigReload());

        Assert.Equal(readsAtStart + 1, afterFirst);
        Assert.Equal(afterFirst, h.Manager.FileReads);
        Assert.Equal(1, h.Manager.Policy.Revision);
    }
}
