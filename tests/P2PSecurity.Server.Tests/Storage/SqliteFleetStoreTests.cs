using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Fleet;
using P2PSecurity.Server.Storage;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Storage;

/// <summary>The fleet's last applied state in the state database: rows and last id together, per fleet name.</summary>
public sealed class SqliteFleetStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DbPath => _folder.File("p2psecurity.db");

    private static FleetDecision D(string text) => FleetDecision.TryParse(text, out var d, out var e) ? d : throw new FormatException(e);

    [Fact]
    public void ApplyFleet_ThenReopen_SameDecisionsAndLastId()
    {
        var key = new string('c', 64);
        using (var store = SqliteBanStore.Open(DbPath))
        {
            var fleet = store.Fleet("prod");
            var block = D("block 10.0.0.0/8");
            var ban = D("ban 203.0.113.7 1767225600000");
            var allow = D("allow " + key);
            fleet.ApplyFleet(new StreamId(5, 0), [
                new FleetChange(block.Target, FleetRow.Refusal, block),
                new FleetChange(ban.Target, FleetRow.Refusal, ban),
                new FleetChange(allow.Target, FleetRow.Allow, allow),
            ]);
            fleet.ApplyFleet(new StreamId(6, 1), [new FleetChange(ban.Target, FleetRow.Refusal, null)]);
        }

        using var reopened = SqliteBanStore.Open(DbPath);
        var (lastId, inForce) = reopened.Fleet("prod").LoadFleet();

        Assert.Equal(new StreamId(6, 1), lastId);
        Assert.Equal(["allow " + key, "block 10.0.0.0/8"], inForce.Select(d => d.ToString()).Order(StringComparer.Ordinal));
        Assert.Empty(reopened.Load().Bans);
    }

    [Fact]
    public void ReplaceFleet_DropsEverythingElse()
    {
        using var store = SqliteBanStore.Open(DbPath);
        var fleet = store.Fleet("prod");
        var block = D("block 10.0.0.0/8");
        fleet.ApplyFleet(new StreamId(5, 0), [new FleetChange(block.Target, FleetRow.Refusal, block)]);

        fleet.ReplaceFleet(new StreamId(9, 0), [D("block 192.0.2.0/24")]);

        var (lastId, inForce) = fleet.LoadFleet();
        Assert.Equal(new StreamId(9, 0), lastId);
        Assert.Equal("block 192.0.2.0/24", Assert.Single(inForce).ToString());
    }

    [Fact]
    public void LoadFleet_AnotherFleetName_StartsEmpty()
    {
        using var store = SqliteBanStore.Open(DbPath);
        var block = D("block 10.0.0.0/8");
        store.Fleet("prod").ApplyFleet(new StreamId(5, 0), [new FleetChange(block.Target, FleetRow.Refusal, block)]);

        var (lastId, inForce) = store.Fleet("staging").LoadFleet();

        Assert.Equal(StreamId.Zero, lastId);
        Assert.Empty(inForce);
    }

    [Fact]
    public void Open_VersionOneDatabase_MigratedKeepingItsBans()
    {
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = StateSchema.Migrations[0] +
                "INSERT INTO bans VALUES ('10.0.0.0/8', 'operator', 'old', 1, NULL); PRAGMA user_version=1;";
            cmd.ExecuteNonQuery();
        }

        using var store = SqliteBanStore.Open(DbPath);

        Assert.Equal("10.0.0.0/8", Assert.Single(store.Load().Bans).Target.ToString());
        Assert.Equal(StreamId.Zero, store.Fleet("default").LoadFleet().LastId);
    }

    public void Dispose() => _folder.Dispose();
}
