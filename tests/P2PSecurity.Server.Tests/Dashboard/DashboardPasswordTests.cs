using P2PSecurity.Server.Dashboard;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Dashboard;

public sealed class DashboardPasswordTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Set_StoresAnOwnerOnlySaltedHash_ThatMatchesOnlyThePassword()
    {
        var password = new DashboardPassword(_folder.File(DashboardPassword.FileName));
        Assert.False(password.IsSet);
        Assert.False(password.Matches("anything-at-all-1"));

        password.Set("a long enough password");
        var first = File.ReadAllText(password.Path);
        password.Set("a long enough password");

        Assert.True(password.IsSet);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(password.Path));
        Assert.DoesNotContain("long enough", first, StringComparison.Ordinal);
        Assert.NotEqual(first, File.ReadAllText(password.Path)); // a new salt each time
        Assert.True(password.Matches("a long enough password"));
        Assert.False(password.Matches("a long enough passworD"));
        Assert.False(password.Matches(""));
    }

    [Theory]
    [InlineData("Xq7#zz", "too short")]
    [InlineData("twelve chars\nnewline", "control character")]
    public void Set_BadPassword_IsRefusedWithoutWritingOrEchoingIt(string value, string message)
    {
        var password = new DashboardPassword(_folder.File(DashboardPassword.FileName));

        var error = Assert.Throws<ArgumentException>(() => password.Set(value));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        Assert.False(password.IsSet);
    }

    [Fact]
    public void Matches_DamagedFile_MatchesNothing()
    {
        var password = new DashboardPassword(_folder.File(DashboardPassword.FileName));
        File.WriteAllText(password.Path, "pbkdf2-sha256$600000$not base64$x\n");

        Assert.False(password.Matches("not base64"));
    }

    public void Dispose() => _folder.Dispose();
}
