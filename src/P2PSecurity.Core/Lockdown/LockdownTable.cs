using System.Globalization;
using Microsoft.Data.Sqlite;

namespace P2PSecurity.Core.Lockdown;

/// <summary>
/// The operator's lockdown as one row (id 1) of the state database's <c>lockdown</c> table, created by the server's
/// schema migration 2. The server reads and writes it on its open connection; the preflight reads it on its own.
/// </summary>
public static class LockdownTable
{
    private const string Select =
        "SELECT active, allow_trusted, keep_sessions, reason, since_ms, until_ms FROM lockdown WHERE id = 1;";

    /// <summary>
    /// Reads the row. No row (never locked down here) is <see cref="LockdownState.Off"/> with <paramref name="found"/>
    /// false. A row this build cannot make sense of gives null and the <paramref name="error"/>: the caller fails closed.
    /// Throws <see cref="SqliteException"/> when the table cannot be read at all.
    /// </summary>
    public static LockdownState? Read(SqliteConnection connection, out bool found, out string? error)
    {
        found = false;
        error = null;
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Select;
        using var r = cmd.ExecuteReader();
        if (!r.Read())
        {
            return LockdownState.Off;
        }
        found = true;
        try
        {
            if (!Flag(r, 0, out var active) || !Flag(r, 1, out var allowTrusted) || !Flag(r, 2, out var keepSessions))
            {
                error = "the lockdown row has a flag that is neither 0 nor 1";
                return null;
            }
            if (!active)
            {
                return LockdownState.Off;
            }
            return new LockdownState
            {
                Active = true,
                AllowTrusted = allowTrusted,
                KeepSessions = keepSessions,
                Reason = r.IsDBNull(3) ? null : LockdownStore.Cut(r.GetString(3)),
                Since = Time(r, 4),
                Until = Time(r, 5),
                Source = LockdownState.FromControl,
            };
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or ArgumentOutOfRangeException)
        {
            error = "the lockdown row has a value of the wrong type: " + ex.Message;
            return null;
        }
    }

    /// <summary>Writes the row (inside <paramref name="transaction"/> when given). Throws <see cref="SqliteException"/>.</summary>
    public static void Write(SqliteConnection connection, LockdownState state, DateTimeOffset at, SqliteTransaction? transaction = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText =
            "INSERT INTO lockdown (id, active, allow_trusted, keep_sessions, reason, since_ms, until_ms, changed_at_ms) " +
            "VALUES (1, $a, $t, $k, $r, $s, $u, $c) ON CONFLICT(id) DO UPDATE SET active = excluded.active, " +
            "allow_trusted = excluded.allow_trusted, keep_sessions = excluded.keep_sessions, reason = excluded.reason, " +
            "since_ms = excluded.since_ms, until_ms = excluded.until_ms, changed_at_ms = excluded.changed_at_ms;";
        cmd.Parameters.AddWithValue("$a", state.Active ? 1 : 0);
        cmd.Parameters.AddWithValue("$t", state.AllowTrusted ? 1 : 0);
        cmd.Parameters.AddWithValue("$k", state.KeepSessions ? 1 : 0);
        cmd.Parameters.AddWithValue("$r", (object?)state.Reason ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$s", state.Since is { } since ? since.ToUnixTimeMilliseconds() : DBNull.Value);
        cmd.Parameters.AddWithValue("$u", state.Until is { } until ? until.ToUnixTimeMilliseconds() : DBNull.Value);
        cmd.Parameters.AddWithValue("$c", at.ToUnixTimeMilliseconds());
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// For the preflight, with no server running: the lockdown kept in the database at <paramref name="path"/>,
    /// opened read-only. <paramref name="found"/> is false when the file, the table (a database from before the
    /// lockdown moved there) or the row does not exist. Null with the <paramref name="error"/> when it cannot be read.
    /// </summary>
    public static LockdownState? ReadFile(string path, out bool found, out string? error)
    {
        found = false;
        error = null;
        if (!File.Exists(path))
        {
            return LockdownState.Off;
        }
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
                // A running server holds the database locked for good: waiting long would not help, asking it does
                // (0 would mean wait forever).
                DefaultTimeout = 1,
            }.ToString());
            connection.Open();
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'lockdown';";
                if (Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
                {
                    return LockdownState.Off;
                }
            }
            return Read(connection, out found, out error);
        }
        catch (SqliteException ex)
        {
            found = true;
            error = ex.Message;
            return null;
        }
    }

    private static bool Flag(SqliteDataReader r, int column, out bool value)
    {
        var n = r.GetInt64(column);
        value = n == 1;
        return n is 0 or 1;
    }

    private static DateTimeOffset? Time(SqliteDataReader r, int column) =>
        r.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(column));
}
