using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Logging;

namespace P2PSecurity.Server.Storage;

/// <summary>
/// The operator's lockdown in the state database (<see cref="LockdownTable"/>), on the database's one connection.
/// Each change is one synced commit, so a lockdown acknowledged to an operator survives a crash.
/// </summary>
/// <remarks>
/// Until the lockdown moved here it was a file beside the policy (<c>.env.lockdown</c>). The first start on a
/// database with no lockdown row imports that file (an unreadable one imports as a lockdown: fail closed) and then
/// renames it to <c>.env.lockdown.migrated</c>, so it is read once and kept for the operator. A file found beside a
/// database that already holds the state is left alone and reported.
/// </remarks>
public sealed class SqliteLockdownStore : ILockdownStore
{
    /// <summary>The suffix a migrated state file is renamed with.</summary>
    public const string MigratedSuffix = ".migrated";

    private readonly SqliteBanStore _database;

    private SqliteLockdownStore(SqliteBanStore database) => _database = database;

    public string Location => _database.Path;

    /// <summary>
    /// The lockdown store of <paramref name="database"/>, with <paramref name="legacyFile"/> (the old state file)
    /// imported when the database holds no lockdown yet. Throws <see cref="Core.Bans.BanStoreException"/> when the import
    /// cannot be written: starting without it could start unlocked.
    /// </summary>
    public static SqliteLockdownStore Open(SqliteBanStore database, string legacyFile, ILogger logger, TimeProvider? time = null)
    {
        var store = new SqliteLockdownStore(database);
        if (!File.Exists(legacyFile))
        {
            return store;
        }
        var imported = database.Use(connection =>
        {
            try
            {
                LockdownTable.Read(connection, out var found, out _);
                if (found)
                {
                    return (LockdownState?)null;
                }
                var state = LockdownStore.Read(legacyFile, out var error) ?? new LockdownState
                {
                    Active = true,
                    Since = (time ?? TimeProvider.System).GetUtcNow(),
                    Reason = $"the old lockdown state file could not be read ({error}); locked down until an operator lifts it",
                };
                LockdownTable.Write(connection, state, (time ?? TimeProvider.System).GetUtcNow());
                return state;
            }
            catch (SqliteException ex)
            {
                throw new Core.Bans.BanStoreException($"STATE_DATABASE {database.Path}: cannot import the lockdown state file {legacyFile}: {ex.Message}", ex);
            }
        });
        if (imported is null)
        {
            SecurityLog.LockdownStateFileIgnored(logger, legacyFile, database.Path);
            return store;
        }
        var renamed = legacyFile + MigratedSuffix;
        try
        {
            File.Move(legacyFile, renamed, overwrite: true);
            SecurityLog.LockdownStateMigrated(logger, legacyFile, database.Path, imported.Describe(), renamed);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The database holds the state now and is read first at every start; the file is only in the way.
            SecurityLog.LockdownStateMigrated(logger, legacyFile, database.Path, imported.Describe(), $"(not renamed: {LogText.Escape(ex.Message)})");
        }
        return store;
    }

    public LockdownState? Read(out string? error)
    {
        try
        {
            string? readError = null;
            var state = _database.Use(connection => LockdownTable.Read(connection, out _, out readError));
            error = readError;
            return state;
        }
        catch (Exception ex) when (ex is SqliteException or ObjectDisposedException)
        {
            error = ex.Message;
            return null;
        }
    }

    public bool TryWrite(LockdownState state, DateTimeOffset at, [NotNullWhen(false)] out string? error)
    {
        try
        {
            _database.Use(connection =>
            {
                LockdownTable.Write(connection, state, at);
                return true;
            });
            error = null;
            return true;
        }
        catch (SqliteException ex)
        {
            error = $"cannot write the lockdown to STATE_DATABASE {Location}: {ex.Message}";
            return false;
        }
        catch (ObjectDisposedException)
        {
            error = $"cannot write the lockdown to STATE_DATABASE {Location}: the database is closed (the server is stopping)";
            return false;
        }
    }
}
