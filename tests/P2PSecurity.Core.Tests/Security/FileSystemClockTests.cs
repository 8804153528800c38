using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

public sealed class FileSystemClockTests
{
    [Fact]
    public void RacyWindow_TempFolderOnThisMachine_IsAFewTicksWhenStampedToTheNanosecond()
    {
        using var dir = new TempFolder();
        Assert.True(FileSystemClock.TryFileSystemType(dir.Path, out var type));

        var window = FileSystemClock.RacyWindowNs(dir.Path);

        // ext4, tmpfs, overlay... get a short window; anything else keeps the conservative 2 s.
        var fine = type is 0xEF53 or 0x58465342 or 0x9123683E or 0x01021994 or 0x794C7630 or 0xF2F52010 or 0x2FC12FC1;
        Assert.Equal(fine, window < PolicyFileSeen.DefaultRacyWindowNs);
        Assert.InRange(window, FileSystemClock.MinimumFineWindowNs, PolicyFileSeen.DefaultRacyWindowNs);
    }

    [Fact]
    public void RacyWindow_FolderThatDoesNotExist_KeepsTheConservativeWindow()
    {
        Assert.Equal(PolicyFileSeen.DefaultRacyWindowNs, FileSystemClock.RacyWindowNs("/nonexistent/p2psecurity/folder"));
    }

    [Fact]
    public void RacyWindow_ProcFileSystem_KeepsTheConservativeWindow()
    {
        // /proc is neither local disk nor tmpfs: its times prove nothing about content.
        Assert.Equal(PolicyFileSeen.DefaultRacyWindowNs, FileSystemClock.RacyWindowNs("/proc"));
    }
}
