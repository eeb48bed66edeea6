namespace Ledger.Storage.Sqlite;

/// <summary>The settlement tables, one migration of <see cref="SqliteSchema"/>.</summary>
internal static class SqliteSettlementSchema
{
    // closed_at is in UTC ticks, exact to the DateTimeOffset it came from. A batch's seq, range and
    // tree size are each unique: two leaders racing cannot both close seq N, nor cover a range twice.
    // net is a decimal string: a net position may lie outside every fixed-width integer type.
    public const string Migration = """
        CREATE TABLE settlements (
            seq INTEGER PRIMARY KEY CHECK (seq > 0),
            first_log_index INTEGER NOT NULL UNIQUE,
            tree_size INTEGER NOT NULL UNIQUE,
            root BLOB NOT NULL CHECK (length(root) = 32),
            closed_at INTEGER NOT NULL,
            status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
            tx_hash BLOB,
            raw_tx BLOB,
            tx_nonce INTEGER,
            block_number INTEGER,
            block_hash BLOB,
            chain_seq INTEGER,
            epoch INTEGER NOT NULL,
            CHECK (tree_size > first_log_index));
        CREATE INDEX settlements_unfinal ON settlements (seq) WHERE status <> 3;

        CREATE TABLE settlement_positions (
            seq INTEGER NOT NULL,
            participant_id BLOB NOT NULL,
            ledger INTEGER NOT NULL,
            net TEXT NOT NULL,
            PRIMARY KEY (seq, ledger, participant_id)) WITHOUT ROWID;
        """;
}
