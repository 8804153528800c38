using System.Runtime.Versioning;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Secrets;

[SupportedOSPlatform("linux")]
public sealed class SecretFilesWatchTests
{
    [Fact]
    public void For_AFileKnownBefore_KeepsItsEarlierStamp_SoAWriteAfterItIsStillSeen()
    {
        using var dir = new TempFolder();
        var key = dir.Write("network.key", "old-key-0123456789\n");
        var before = SecretFilesWatch.Take([key]);
        dir.Write("network.key.tmp", "new-key-0123456789abc\n");
        File.Move(dir.File("network.key.tmp"), key, overwrite: true); // written after the stamp, before the watch is rebuilt

        var after = before.For([key]);

        Assert.True(after.Moved());
    }

    [Fact]
    public void For_AFileFirstNamedByTheLoad_CountsAsMovedOnce()
    {
        using var dir = new TempFolder();
        var key = dir.Write("network.key", "old-key-0123456789\n");
        var previous = dir.Write("network.key.previous", "older-key-0123456789\n");
        var before = SecretFilesWatch.Take([key]);

        var after = before.For([key, previous]);

        Assert.True(after.Moved());
        Assert.False(after.Restamp().Moved());
        Assert.False(SecretFilesWatch.Take([key]).For([key]).Moved());
    }
}
