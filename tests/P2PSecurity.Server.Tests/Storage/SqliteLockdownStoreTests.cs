using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Preflight;
using P2PSecurity.Server.Storage;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Storage;

/// <summary>
/// The lockdown in the state database: kept across restarts, an unreadable row fails closed, the old
/// <c>.env.lockdown</c> file imported once, and the preflight reading the database.
/// </summary>
public sealed class SqliteLockdownStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _folder = new();
    private readonly LineLogger _logger = new();

    private string DbPath => _folder.File("p2psecurity.db");

    private string LegacyPath => LockdownStore.PathFor(_folder.EnvPath);

    [Fact]
    public void Engage_ThenReopen_StartsLockedDownWithEverything()
    {
        var time = new FakeTimeProvider(Start);
        using (var database = SqliteBanStore.Open(DbPath))
        using (var lockdown = LockdownSwitch.Open(SqliteLockdownStore.Open(database, LegacyPath, _logger), time))
        {
            var change = lockdown.Engage(new LockdownOptions { AllowTrusted = true, KeepSessions = true, Reason = "incident 9", For = TimeSpan.FromHours(2) });
            Assert.Null(change.PersistError);
        }
        time.Advance(TimeSpan.FromMinutes(30));

        using var reopened = SqliteBanStore.Open(DbPath);
        using var again = LockdownSwitch.Open(SqliteLockdownStore.Open(reopened, LegacyPath, _logger), time, _logger);

        var state = again.Current;
        Assert.True(state.Active);
        Assert.Equal((true, true, "incident 9"), (state.AllowTrusted, state.KeepSessions, state.Reason));
        Assert.Equal((Start, Start + TimeSpan.FromHours(2)), (state.Since, state.Until));
        Assert.Equal(DbPath, again.StatePath);
        Assert.Single(_logger.WithEvent(1052));
        Assert.False(File.Exists(LegacyPath));
    }

    [Fact]
    public void Lift_ThenReopen_NotLockedDown()
    {
        using (var database = SqliteBanStore.Open(DbPath))
        using (var lockdown = LockdownSwitch.Open(SqliteLockdownStore.Open(database, LegacyPath, _logger)))
        {
            lockdown.Engage(new LockdownOptions());
            Assert.Null(lockdown.Lift().PersistError);
        }

        using var reopened = SqliteBanStore.Open(DbPath);
        using var again = LockdownSwitch.Open(SqliteLockdownStore.Open(reopened, LegacyPath, _logger));

        Assert.False(again.Current.Active);
    }

    [Fact]
    public void Open_UnreadableRow_StartsLockedDownAndSaysWhy()
    {
        using (var database = SqliteBanStore.Open(DbPath))
        {
            LockdownSwitch.Open(SqliteLockdownStore.Open(database, LegacyPath, _logger)).Engage(new LockdownOptions());
            database.Use(c => Execute(c, "UPDATE lockdown SET active = 0, keep_sessions = 7;"));
        }

        using var reopened = SqliteBanStore.Open(DbPath);
        using var lockdown = LockdownSwitch.Open(SqliteLockdownStore.Open(reopened, LegacyPath, _logger), new FakeTimeProvider(Start), _logger);

        Assert.True(lockdown.Current.Active);
        Assert.Contains("cannot be read", lockdown.Current.Reason, StringComparison.Ordinal);
        Assert.Contains("neither 0 nor 1", Assert.Single(_logger.WithEvent(1053)), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OldStateFile_ImportedOnceThenRenamed()
    {
        LockdownStore.Write(LegacyPath, new LockdownState { Active = true, Reason = "from the file", Since = Start }, Start);

        using (var database = SqliteBanStore.Open(DbPath))
        using (var lockdown = LockdownSwitch.Open(SqliteLockdownStore.Open(database, LegacyPath, _logger)))
        {
            Assert.True(lockdown.Current.Active);
            Assert.Equal(("from the file", Start), (lockdown.Current.Reason, lockdown.Current.Since));
            Assert.False(File.Exists(LegacyPath));
            Assert.True(File.Exists(LegacyPath + SqliteLockdownStore.MigratedSuffix));
            Assert.Contains($"the old state file is now {LegacyPath}.migrated", Assert.Single(_logger.WithEvent(1055)), StringComparison.Ordinal);
            lockdown.Lift();
        }
        // An old file that reappears (a downgrade and back) does not override the database.
        LockdownStore.Write(LegacyPath, new LockdownState { Active = true, Reason = "stale", Since = Start }, Start);

        using var reopened = SqliteBanStore.Open(DbPath);
        using var again = LockdownSwitch.Open(SqliteLockdownStore.Open(reopened, LegacyPath, _logger));

        Assert.False(again.Current.Active);
        Assert.True(File.Exists(LegacyPath));
        Assert.Single(_logger.WithEvent(1056));
    }

    [Fact]
    public void Open_OldStateFileUnreadable_ImportedAsALockdown()
    {
        File.WriteAllText(LegacyPath, "{ not json");

        using var database = SqliteBanStore.Open(DbPath);
        using var lockdown = LockdownSwitch.Open(SqliteLockdownStore.Open(database, LegacyPath, _logger));

        Assert.True(lockdown.Current.Active);
        Assert.Contains("the old lockdown state file could not be read", lockdown.Current.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(LegacyPath));
    }

    [Fact]
    public void Open_DatabaseOfSchemaOne_MigratedWithItsBans()
    {
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            Execute(connection, StateSchema.Migrations[0]);
            Execute(connection, "INSERT INTO bans VALUES ('10.0.0.0/8', 'operator', 'kept', 1, NULL); PRAGMA user_version=1;");
        }

        using var database = SqliteBanStore.Open(DbPath);
        using var lockdown = LockdownSwitch.Open(SqliteLockdownStore.Open(database, LegacyPath, _logger));

        Assert.Equal("kept", Assert.Single(database.Load().Bans).Reason);
        Assert.False(lockdown.Current.Active);
        Assert.Null(lockdown.Engage(new LockdownOptions()).PersistError);
        Assert.Equal((long)StateSchema.LatestVersion, database.Use(c => Scalar(c, "PRAGMA user_version;")));
    }

    [Fact]
    public void Write_AfterTheDatabaseClosed_InForceAndReportsIt()
    {
        var database = SqliteBanStore.Open(DbPath);
        using var lockdown = LockdownSwitch.Open(SqliteLockdownStore.Open(database, LegacyPath, _logger));
        database.Dispose();

        var change = lockdown.Engage(new LockdownOptions());

        Assert.True(lockdown.Current.Active);
        Assert.Contains("the database is closed", change.PersistError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_LockdownInTheDatabase_WarnsThatTheServerStartsLockedDown()
    {
        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=5\n");
        using (var database = SqliteBanStore.Open(DbPath))
        {
            LockdownSwitch.Open(SqliteLockdownStore.Open(database, LegacyPath, _logger)).Engage(new LockdownOptions { Reason = "incident 12" });
        }

        var report = await PreflightRunner.RunAsync(new PreflightOptions { EnvPath = _folder.EnvPath, ServerTimeout = TimeSpan.FromMilliseconds(300) },
            TestContext.Current.CancellationToken);

        var check = Assert.Single(report.Checks, c => c.Check == "lockdown");
        Assert.Equal(PreflightStatus.Warn, check.Status);
        Assert.Contains("reason: incident 12", check.Message, StringComparison.Ordinal);
        Assert.Contains($"will start locked down ({DbPath})", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_DatabaseLockedByARunningServerThatDoesNotAnswer_WarnsFailClosed()
    {
        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=5\n");
        using var database = SqliteBanStore.Open(DbPath);

        var report = await PreflightRunner.RunAsync(new PreflightOptions { EnvPath = _folder.EnvPath, ServerTimeout = TimeSpan.FromMilliseconds(300) },
            TestContext.Current.CancellationToken);

        var check = Assert.Single(report.Checks, c => c.Check == "lockdown");
        Assert.Equal(PreflightStatus.Warn, check.Status);
        Assert.Contains($"lockdown state in {DbPath} cannot be read", check.Message, StringComparison.Ordinal);
    }

    private static int Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _folder.Dispose();
}
