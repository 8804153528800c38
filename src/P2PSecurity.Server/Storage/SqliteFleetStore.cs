using Microsoft.Data.Sqlite;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Fleet;

namespace P2PSecurity.Server.Storage;

/// <summary>
/// The last applied fleet state in the state database (tables <c>fleet_decisions</c> and <c>fleet_meta</c>), written
/// through by the fleet's single writer: one durable transaction per batch, holding the rows and the stream id they
/// cover together, so a crash never leaves rows of one id with another id. State of another FLEET_NAME is not
/// carried over: a node moved to a new fleet starts from that fleet's snapshot.
/// </summary>
public sealed class SqliteFleetStore(SqliteBanStore database, string path, string fleet) : IFleetStore
{
    public (StreamId LastId, IReadOnlyList<FleetDecision> InForce) LoadFleet() => database.Use(connection => LoadFleet(connection));

    private (StreamId LastId, IReadOnlyList<FleetDecision> InForce) LoadFleet(SqliteConnection connection)
    {
        {
            try
            {
                string? storedFleet = null;
                var lastId = StreamId.Zero;
                using (var cmd = connection.CreateCommand())
                {
                    cmd.CommandText = "SELECT fleet, last_id FROM fleet_meta;";
                    using var r = cmd.ExecuteReader();
                    while (r.Read())
                    {
                        storedFleet = r.GetString(0);
                        if (storedFleet == fleet && !StreamId.TryParse(r.GetString(1), out lastId))
                        {
                            throw new BanStoreException($"STATE_DATABASE {path}: the fleet's last id '{Core.Logging.LogText.Escape(r.GetString(1))}' cannot be read; the database is damaged");
                        }
                    }
                }
                if (storedFleet != fleet)
                {
                    Replace(connection, StreamId.Zero, []);
                    return (StreamId.Zero, []);
                }
                var decisions = new List<FleetDecision>();
                using (var cmd = connection.CreateCommand())
                {
                    cmd.CommandText = "SELECT decision FROM fleet_decisions;";
                    using var r = cmd.ExecuteReader();
                    while (r.Read())
                    {
                        var text = r.GetString(0);
                        if (!FleetDecision.TryParse(text, out var decision, out var error))
                        {
                            throw new BanStoreException($"STATE_DATABASE {path}: the fleet decision '{Core.Logging.LogText.Escape(text)}' cannot be read ({error}); the database is damaged");
                        }
                        decisions.Add(decision);
                    }
                }
                return (lastId, decisions);
            }
            catch (SqliteException ex)
            {
                throw new BanStoreException($"STATE_DATABASE {path}: {ex.Message}", ex);
            }
        }
    }

    public void ApplyFleet(StreamId lastId, IReadOnlyCollection<FleetChange> changes) => database.Use(connection =>
    {
        {
            using var tx = connection.BeginTransaction();
            using var delete = PreparedCommands.Prepare(connection, tx, "DELETE FROM fleet_decisions WHERE target = $t AND row_kind = $k;", "$t", "$k");
            using var upsert = PreparedCommands.Prepare(connection, tx,
                "INSERT INTO fleet_decisions (target, row_kind, decision) VALUES ($t, $k, $d) ON CONFLICT(target, row_kind) DO UPDATE SET decision = excluded.decision;",
                "$t", "$k", "$d");
            foreach (var change in changes)
            {
                if (change.Now is { } now)
                {
                    PreparedCommands.Run(upsert, change.Target.ToString(), (int)change.Row, now.ToString());
                }
                else
                {
                    PreparedCommands.Run(delete, change.Target.ToString(), (int)change.Row);
                }
            }
            WriteLastId(connection, tx, lastId);
            tx.Commit();
        }
        return 0;
    });

    public void ReplaceFleet(StreamId lastId, IReadOnlyCollection<FleetDecision> inForce) => database.Use(connection =>
    {
        Replace(connection, lastId, inForce);
        return 0;
    });

    private void Replace(SqliteConnection connection, StreamId lastId, IReadOnlyCollection<FleetDecision> inForce)
    {
        using var tx = connection.BeginTransaction();
        using (var clear = PreparedCommands.Prepare(connection, tx, "DELETE FROM fleet_decisions;"))
        {
            clear.ExecuteNonQuery();
        }
        using var insert = PreparedCommands.Prepare(connection, tx,
            "INSERT INTO fleet_decisions (target, row_kind, decision) VALUES ($t, $k, $d) ON CONFLICT(target, row_kind) DO UPDATE SET decision = excluded.decision;",
            "$t", "$k", "$d");
        foreach (var d in inForce)
        {
            PreparedCommands.Run(insert, d.Target.ToString(), (int)(d.Action == FleetAction.Allow ? FleetRow.Allow : FleetRow.Refusal), d.ToString());
        }
        WriteLastId(connection, tx, lastId);
        tx.Commit();
    }

    private void WriteLastId(SqliteConnection connection, SqliteTransaction tx, StreamId lastId)
    {
        using (var clear = PreparedCommands.Prepare(connection, tx, "DELETE FROM fleet_meta WHERE fleet <> $f;", "$f"))
        {
            PreparedCommands.Run(clear, fleet);
        }
        using var meta = PreparedCommands.Prepare(connection, tx, "INSERT INTO fleet_meta (fleet, last_id) VALUES ($f, $l) ON CONFLICT(fleet) DO UPDATE SET last_id = excluded.last_id;", "$f", "$l");
        PreparedCommands.Run(meta, fleet, lastId.ToString());
    }
}
