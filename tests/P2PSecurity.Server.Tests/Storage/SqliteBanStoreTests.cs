using Microsoft.Data.Sqlite;
using P2PSecurity.Core.Bans;
using P2PSecurity.Server.Storage;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Storage;

/// <summary>The state database on a real file: round trip, WAL, schema version, and the start-up refusals.</summary>
public sealed class SqliteBanStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DbPath => _folder.File("p2psecurity.db");

    [Fact]
    public void Apply_ThenReopen_ReadsWhatWasWritten()
    {
        var forever = new Ban(Target("10.0.0.0/8"), BanSource.Operator, "scanner farm", 1_000, Ban.Forever);
        var hour = new Ban(Target("2001:db8:1:2::/64"), BanSource.Automatic, "strikes (last: tls_failed)", 2_000, 3_602_000);
        var node = new Ban(Target(new string('b', 64)), BanSource.Operator, "stolen key", 3_000, 9_000);
        using (var store = SqliteBanStore.Open(DbPath))
        {
            var changes = new BanStoreChanges();
            changes.Upserts.AddRange([forever, hour, node]);
            changes.Offenders.Add(new OffenderRecord(hour.Target.First, 3, 500, 2, 2_000));
            store.Apply(changes);
            var removal = new BanStoreChanges();
            removal.Deletes.Add(node.Target);
            store.Apply(removal);
        }

        using var reopened = SqliteBanStore.Open(DbPath);
        var contents = reopened.Load();

        Assert.Equal([forever, hour], contents.Bans.OrderBy(b => b.MadeAtMs));
        Assert.Equal([new OffenderRecord(hour.Target.First, 3, 500, 2, 2_000)], contents.Offenders);
    }

    [Fact]
    public void Open_NewFile_WalModeSchemaVersionAndOwnerOnly()
    {
        using (SqliteBanStore.Open(DbPath))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DbPath));
        }

        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
        Assert.Equal(StateSchema.LatestVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(connection, "PRAGMA user_version;"));
    }

    [Fact]
    public void Open_NotADatabase_RefusedWithAClearError()
    {
        File.WriteAllBytes(DbPath, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))]);

        var error = Assert.Throws<BanStoreException>(() => SqliteBanStore.Open(DbPath));

        Assert.Contains($"STATE_DATABASE {DbPath} is not an SQLite database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DamagedPages_Refused()
    {
        using (var store = SqliteBanStore.Open(DbPath))
        {
            var changes = new BanStoreChanges();
            for (var i = 0; i < 2000; i++)
            {
                changes.Upserts.Add(new Ban(BanTarget.ForRange((UInt128)0xFFFF_0000_0000UL | (uint)i, 128), BanSource.Operator, new string('r', 100), i, Ban.Forever));
            }
            store.Apply(changes);
        }
        // Keep the header (so it is still "an SQLite database") and overwrite the pages after it.
        using (var file = new FileStream(DbPath, FileMode.Open, FileAccess.Write))
        {
            file.Position = 4096;
            file.Write([.. Enumerable.Repeat((byte)0x5A, 64 * 1024)]);
        }

        var error = Assert.Throws<BanStoreException>(() => SqliteBanStore.Open(DbPath).Load());

        Assert.Contains("STATE_DATABASE", error.Message, StringComparison.Ordinal);
        Assert.Matches("damaged|not an SQLite database", error.Message);
    }

    [Fact]
    public void Open_NewerSchema_Refused()
    {
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA user_version=99;";
            cmd.ExecuteNonQuery();
        }

        var error = Assert.Throws<BanStoreException>(() => SqliteBanStore.Open(DbPath));

        Assert.Contains("has schema version 99, written by a newer server", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_HeldByAnotherStore_Refused()
    {
        using var first = SqliteBanStore.Open(DbPath);

        var error = Assert.Throws<BanStoreException>(() => SqliteBanStore.Open(DbPath));

        Assert.Contains("is in use by another process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderMissing_SaysSo()
    {
        var error = Assert.Throws<BanStoreException>(() => SqliteBanStore.Open(_folder.File("no/such/dir/x.db")));

        Assert.Contains("cannot be opened", error.Message, StringComparison.Ordinal);
    }

    private static BanTarget Target(string text) => BanTarget.TryParse(text, out var t, out var e) ? t : throw new FormatException(e);

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    public void Dispose() => _folder.Dispose();
}
