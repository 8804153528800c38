using System.Diagnostics;
using System.Globalization;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

public sealed class FileStampTests
{
    [Fact]
    public void Read_File_MatchesFileInfoAtFullPrecision()
    {
        using var dir = new TempFolder();
        var path = dir.Write("a.env", "MAX_CONNECTIONS_PER_IP=4\n");
        var mtime = new DateTime(2024, 2, 29, 12, 34, 56, DateTimeKind.Utc).AddTicks(1234567);
        File.SetLastWriteTimeUtc(path, mtime);

        var stamp = FileStamp.Read(path);

        Assert.True(stamp.Exists);
        Assert.Equal(new FileInfo(path).Length, stamp.Size);
        Assert.Equal((File.GetLastWriteTimeUtc(path) - DateTime.UnixEpoch).Ticks * 100, stamp.ModifiedNs);
        Assert.Equal((mtime - DateTime.UnixEpoch).Ticks * 100, stamp.ModifiedNs);
    }

    [Fact]
    public void Read_File_MatchesStatForInodeDeviceAndTimes()
    {
        using var dir = new TempFolder();
        var path = dir.Write("a.env", "X=1\n");

        var stamp = FileStamp.Read(path);
        var fields = Stat(path, "%i %Hd %Ld %.9Y %.9Z %s");

        Assert.Equal(ulong.Parse(fields[0], CultureInfo.InvariantCulture), stamp.Inode);
        Assert.Equal((ulong.Parse(fields[1], CultureInfo.InvariantCulture) << 32) | ulong.Parse(fields[2], CultureInfo.InvariantCulture), stamp.Device);
        Assert.Equal(Nanoseconds(fields[3]), stamp.ModifiedNs);
        Assert.Equal(Nanoseconds(fields[4]), stamp.ChangedNs);
        Assert.Equal(long.Parse(fields[5], CultureInfo.InvariantCulture), stamp.Size);
    }

    [Fact]
    public void Read_Missing_IsMissing()
    {
        using var dir = new TempFolder();

        Assert.Equal(FileStamp.Missing, FileStamp.Read(dir.File("none.env")));
        Assert.Equal(FileStamp.Missing, FileStamp.Read(dir.File("no/such/dir.env")));
    }

    [Fact]
    public void Read_RenameReplace_ChangesInodeButWriteInPlaceDoesNot()
    {
        using var dir = new TempFolder();
        var path = dir.Write(".env", "A=1\n");
        var first = FileStamp.Read(path);

        File.WriteAllText(path, "A=2\n");
        var inPlace = FileStamp.Read(path);
        dir.Write("tmp", "A=3\n");
        File.Move(dir.File("tmp"), path, overwrite: true);
        var replaced = FileStamp.Read(path);

        Assert.Equal(first.Inode, inPlace.Inode);
        Assert.NotEqual(first.Inode, replaced.Inode);
    }

    [Fact]
    public void Read_MtimeMovedBackwards_IsADifferentStamp()
    {
        using var dir = new TempFolder();
        var path = dir.Write(".env", "A=1\n");
        var before = FileStamp.Read(path);

        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddHours(-1));

        Assert.NotEqual(before, FileStamp.Read(path));
        Assert.True(FileStamp.Read(path).ModifiedNs < before.ModifiedNs);
    }

    private static string[] Stat(string path, string format)
    {
        var info = new ProcessStartInfo("stat", ["-c", format, path]) { RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Trim().Split(' ');
    }

    private static long Nanoseconds(string secondsDotNanos)
    {
        var parts = secondsDotNanos.Split('.');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture) * 1_000_000_000L) + long.Parse(parts[1], CultureInfo.InvariantCulture);
    }
}
