using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using P2PSecurity.Core.Bans;

namespace P2PSecurity.Server.Storage;

/// <summary>
/// The state database (STATE_DATABASE, default <c>p2psecurity.db</c> beside the policy file): bans, strike
/// history and the lockdown (<see cref="SqliteLockdownStore"/>) in SQLite, WAL mode, every commit synced (<c>synchronous=FULL</c>), so a ban acknowledged to an operator
/// survives a crash. Held open with an exclusive lock for the life of the server: one writer, and a second server
/// on the same file refuses to start instead of interleaving with the first.
/// </summary>
public sealed class SqliteBanStore : IBanStore
{
    private readonly SqliteConnection _connection;

    // One connection for the ban writer and the lockdown switch: SQLite connections are not thread-safe, and the
    // exclusive lock keeps any second connection out, this process's own included.
    private readonly Lock _lock = new();
    private bool _disposed;

    private SqliteBanStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    public string Path { get; }

    /// <summary>
    /// Opens (creating when missing) and migrates the database. A file that is not a database, is damaged, is locked
    /// by another process or comes from a newer version throws <see cref="BanStoreException"/> saying so.
    /// </summary>
    public static SqliteBanStore Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            // Waiting for a lock only happens when another process holds the file: say so soon, not after 30 s.
            DefaultTimeout = 2,
        }.ToString());
        try
        {
            var existed = File.Exists(full);
            connection.Open();
            if (!existed && !OperatingSystem.IsWindows())
            {
                // Bans name addresses and nodes: owner-only, like the node identity.
                File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            Execute(connection, "PRAGMA locking_mode=EXCLUSIVE;");
            var journal = Scalar(connection, "PRAGMA journal_mode=WAL;");
            if (!string.Equals(journal, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new BanStoreException($"STATE_DATABASE {full}: cannot switch to WAL mode (journal mode is {journal})");
            }
            Execute(connection, "PRAGMA synchronous=FULL;");
            var check = Scalar(connection, "PRAGMA quick_check;");
            if (!string.Equals(check, "ok", StringComparison.Ordinal))
            {
                throw new BanStoreException($"STATE_DATABASE {full} is damaged ({Core.Logging.LogText.Escape(check)}); restore it from a backup or move it away to start with no bans");
            }
            Migrate(connection, full);
            return new SqliteBanStore(full, connection);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new BanStoreException(Describe(full, ex), ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            connection.Dispose();
            throw new BanStoreException($"STATE_DATABASE {full} cannot be opened: {ex.Message}", ex);
        }
        catch (BanStoreException)
        {
            connection.Dispose();
            throw;
        }
    }

    private static string Describe(string path, SqliteException ex) => ex.SqliteErrorCode switch
    {
        26 => $"STATE_DATABASE {path} is not an SQLite database (damaged, or another file); restore it from a backup or move it away to start with no bans",
        11 => $"STATE_DATABASE {path} is damaged ({ex.Message}); restore it from a backup or move it away to start with no bans",
        5 or 6 => $"STATE_DATABASE {path} is in use by another process (another server?); stop it, or give this one another STATE_DATABASE",
        14 => $"STATE_DATABASE {path} cannot be opened: {ex.Message} (does its folder exist and is it writable?)",
        _ => $"STATE_DATABASE {path}: {ex.Message}",
    };

    private static void Migrate(SqliteConnection connection, string path)
    {
        var version = int.Parse(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        if (version > StateSchema.LatestVersion)
        {
            throw new BanStoreException($"STATE_DATABASE {path} has schema version {version}, written by a newer server; this one knows up to {StateSchema.LatestVersion}");
        }
        for (var v = version; v < StateSchema.LatestVersion; v++)
        {
            using var tx = connection.BeginTransaction();
            Execute(connection, StateSchema.Migrations[v], tx);
            Execute(connection, $"PRAGMA user_version={v + 1};", tx);
            tx.Commit();
        }
    }

    /// <summary>Runs <paramref name="action"/> on the open connection, alone; throws <see cref="ObjectDisposedException"/> once closed.</summary>
    internal T Use<T>(Func<SqliteConnection, T> action)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return action(_connection);
        }
    }

    public BanStoreContents Load() => Use(_ => LoadLocked());

    private BanStoreContents LoadLocked()
    {
        try
        {
            List<Ban> bans;
            using (var count = _connection.CreateCommand())
            {
                // Sized once: a million bans read into a list that doubled would leave 16 MB behind.
                count.CommandText = "SELECT COUNT(*) FROM bans;";
                bans = new List<Ban>((int)Math.Min((long)count.ExecuteScalar()!, 10_000_000));
            }
            // One string per distinct reason: a million automatic bans share a handful, as they did when made.
            var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var cmd = _connection.CreateCommand())
            {
                cmd.CommandText = "SELECT target, source, reason, made_at_ms, expires_at_ms FROM bans;";
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    var text = r.GetString(0);
                    if (!BanTarget.TryParse(text, out var target, out var error) || !BanSourceNames.TryParse(r.GetString(1), out var source))
                    {
                        throw new BanStoreException($"STATE_DATABASE {Path}: the ban on '{Core.Logging.LogText.Escape(text)}' cannot be read ({error ?? "unknown source"}); the database is damaged");
                    }
                    var reason = r.GetString(2);
                    if (!reasons.TryAdd(reason, reason))
                    {
                        reason = reasons[reason];
                    }
                    bans.Add(new Ban(target, source, reason, r.GetInt64(3), r.IsDBNull(4) ? Ban.Forever : r.GetInt64(4)));
                }
            }
            var offenders = new List<OffenderRecord>();
            using (var cmd = _connection.CreateCommand())
            {
                cmd.CommandText = "SELECT block, strikes, window_start_ms, bans, last_ban_ms FROM offenders;";
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    var block = (byte[])r.GetValue(0);
                    if (block.Length != 16)
                    {
                        throw new BanStoreException($"STATE_DATABASE {Path}: an offender row has a {block.Length}-byte block; the database is damaged");
                    }
                    offenders.Add(new OffenderRecord(BinaryPrimitives.ReadUInt128BigEndian(block), r.GetInt32(1), r.GetInt64(2), r.GetInt32(3), r.GetInt64(4)));
                }
            }
            return new BanStoreContents(bans, offenders);
        }
        catch (SqliteException ex)
        {
            throw new BanStoreException(Describe(Path, ex), ex);
        }
        catch (InvalidCastException ex)
        {
            throw new BanStoreException($"STATE_DATABASE {Path}: a row has a value of the wrong type; the database is damaged", ex);
        }
    }

    public void Apply(BanStoreChanges changes) => Use(_ => ApplyLocked(changes));

    private bool ApplyLocked(BanStoreChanges changes)
    {
        try
        {
            using var tx = _connection.BeginTransaction();
            if (changes.Deletes.Count > 0)
            {
                using var delete = PreparedCommands.Prepare(_connection, tx, "DELETE FROM bans WHERE target = $t;", "$t");
                foreach (var target in changes.Deletes)
                {
                    PreparedCommands.Run(delete, target.ToString());
                }
            }
            if (changes.Upserts.Count > 0)
            {
                using var upsert = PreparedCommands.Prepare(_connection, tx,
                    "INSERT INTO bans (target, source, reason, made_at_ms, expires_at_ms) VALUES ($t, $s, $r, $m, $e) " +
                    "ON CONFLICT(target) DO UPDATE SET source = excluded.source, reason = excluded.reason, made_at_ms = excluded.made_at_ms, expires_at_ms = excluded.expires_at_ms;",
                    "$t", "$s", "$r", "$m", "$e");
                foreach (var ban in changes.Upserts)
                {
                    PreparedCommands.Run(upsert, ban.Target.ToString(), ban.Source.Name(), ban.Reason, ban.MadeAtMs, ban.IsForever ? DBNull.Value : ban.ExpiresAtMs);
                }
            }
            if (changes.ForgottenOffenders.Count > 0)
            {
                using var forget = PreparedCommands.Prepare(_connection, tx, "DELETE FROM offenders WHERE block = $b;", "$b");
                foreach (var key in changes.ForgottenOffenders)
                {
                    PreparedCommands.Run(forget, Bytes(key));
                }
            }
            if (changes.Offenders.Count > 0)
            {
                using var offender = PreparedCommands.Prepare(_connection, tx,
                    "INSERT INTO offenders (block, strikes, window_start_ms, bans, last_ban_ms) VALUES ($b, $s, $w, $n, $l) " +
                    "ON CONFLICT(block) DO UPDATE SET strikes = excluded.strikes, window_start_ms = excluded.window_start_ms, bans = excluded.bans, last_ban_ms = excluded.last_ban_ms;",
                    "$b", "$s", "$w", "$n", "$l");
                foreach (var o in changes.Offenders)
                {
                    PreparedCommands.Run(offender, Bytes(o.Key), o.Strikes, o.WindowStartMs, o.Bans, o.LastBanMs);
                }
            }
            tx.Commit();
            return true;
        }
        catch (SqliteException ex)
        {
            throw new BanStoreException(Describe(Path, ex), ex);
        }
    }

    private static byte[] Bytes(UInt128 key)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, key);
        return bytes;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }

    /// <summary>The fleet's last applied state in this database (issue 14), for the fleet named <paramref name="fleet"/>.</summary>
    public SqliteFleetStore Fleet(string fleet) => new(this, Path, fleet);

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _connection.Dispose();
        }
    }
}
