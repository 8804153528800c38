namespace P2PSecurity.Server.Storage;

/// <summary>
/// The state database's schema, as a list of migrations: migration <c>i</c> takes the database from version
/// <c>i</c> to <c>i + 1</c>, and the version is kept in <c>PRAGMA user_version</c>. Append, never edit: a database
/// written by this build must open in every later one.
/// </summary>
internal static class StateSchema
{
    public static IReadOnlyList<string> Migrations { get; } =
    [
        // 0 -> 1: bans and offenders.
        """
        CREATE TABLE bans (
            target        TEXT    PRIMARY KEY,   -- canonical: 203.0.113.7, 10.0.0.0/8, 2001:db8::/64, or a node key (64 hex)
            source        TEXT    NOT NULL,      -- operator | automatic
            reason        TEXT    NOT NULL,
            made_at_ms    INTEGER NOT NULL,      -- Unix milliseconds, UTC
            expires_at_ms INTEGER                -- NULL: forever
        ) WITHOUT ROWID;
        CREATE TABLE offenders (
            block           BLOB    PRIMARY KEY, -- first address of the offender's block, 16 bytes big-endian
            strikes         INTEGER NOT NULL,
            window_start_ms INTEGER NOT NULL,
            bans            INTEGER NOT NULL,    -- automatic bans made so far (escalation)
            last_ban_ms     INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 1 -> 2: the operator's lockdown (until then a file beside the policy, imported once at start).
        """
        CREATE TABLE lockdown (
            id            INTEGER PRIMARY KEY CHECK (id = 1), -- one row
            active        INTEGER NOT NULL,      -- 0 or 1
            allow_trusted INTEGER NOT NULL,
            keep_sessions INTEGER NOT NULL,
            reason        TEXT,
            since_ms      INTEGER,               -- Unix milliseconds, UTC
            until_ms      INTEGER,               -- NULL: until lifted
            changed_at_ms INTEGER NOT NULL
        );
        """,
    ];

    public static int LatestVersion => Migrations.Count;
}
