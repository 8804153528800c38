using System.Runtime.Versioning;
using P2PSecurity.Core.Editing;

namespace P2PSecurity.Core.Tests.Editing;

[SupportedOSPlatform("linux")]
public sealed class AtomicFileTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void Write_WithAMode_OverAFileOthersCouldRead_LeavesExactlyThatMode()
    {
        using var dir = new TempFolder();
        var path = dir.File("network.key");
        File.WriteAllText(path, "old\n");
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        AtomicFile.Write(path, "new\n"u8, OwnerOnly);

        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(["network.key"], Directory.GetFiles(dir.Path).Select(Path.GetFileName)); // no temporary file left
    }

    [Fact]
    public void Write_WithoutAMode_KeepsTheOldFilesMode()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        File.WriteAllText(path, "A=1\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        AtomicFile.Write(path, "A=2\n"u8);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
    }
}
