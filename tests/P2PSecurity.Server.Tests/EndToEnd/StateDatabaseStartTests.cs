using P2PSecurity.Core.Bans;
using P2PSecurity.Server.Storage;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>
/// The server process refuses to start on a state database it cannot read, rather than start without the bans it
/// holds (that would fail open), and leaves the file as it was for the operator to inspect.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class StateDatabaseStartTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DbPath => _folder.File("p2psecurity.db");

    [Fact]
    public async Task Start_DatabaseIsNotSqlite_ClearErrorExitOneFileUntouched()
    {
        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=5\n");
        byte[] garbage = [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))];
        File.WriteAllBytes(DbPath, garbage);
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0");

        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Contains($"STATE_DATABASE {DbPath} is not an SQLite database", server.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", server.Output, StringComparison.Ordinal);
        Assert.Equal(garbage, File.ReadAllBytes(DbPath));
    }

    [Fact]
    public async Task Start_DatabaseWithDamagedPages_ClearErrorExitOne()
    {
        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=5\n");
        using (var store = SqliteBanStore.Open(DbPath))
        {
            var changes = new BanStoreChanges();
            for (var i = 0; i < 2000; i++)
            {
                changes.Upserts.Add(new Ban(BanTarget.ForRange((UInt128)0xFFFF_0000_0000UL | (uint)i, 128), BanSource.Operator, new string('r', 100), i, Ban.Forever));
            }
            store.Apply(changes);
        }
        // The header stays (it still looks like SQLite); the pages after it do not.
        using (var file = new FileStream(DbPath, FileMode.Open, FileAccess.Write))
        {
            file.Position = 4096;
            file.Write([.. Enumerable.Repeat((byte)0x5A, 64 * 1024)]);
        }
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0");

        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Matches($"STATE_DATABASE {System.Text.RegularExpressions.Regex.Escape(DbPath)} (is damaged|is not an SQLite database)", server.Errors);
        Assert.Contains("restore it from a backup or move it away", server.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", server.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
