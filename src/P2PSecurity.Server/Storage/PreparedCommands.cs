using Microsoft.Data.Sqlite;

namespace P2PSecurity.Server.Storage;

/// <summary>
/// Prepared statements for the state database's writers: a statement is prepared once per transaction with its
/// named parameters, then run once per row with the values in the same order.
/// </summary>
internal static class PreparedCommands
{
    public static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] names)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var name in names)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        cmd.Prepare();
        return cmd;
    }

    public static void Run(SqliteCommand cmd, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters[i].Value = values[i];
        }
        cmd.ExecuteNonQuery();
    }
}
