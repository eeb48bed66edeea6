namespace Ledger.Storage.Sqlite;

/// <summary>Payouts, their batches and the deny list: one migration of <see cref="SqliteSchema"/>.</summary>
internal static class SqlitePayoutSchema
{
    // Every *_at column is UTC ticks, exact to the DateTimeOffset it came from. 128-bit values are 16
    // big-endian bytes (Blob), so a blob comparison is a numeric one.
    //
    // A payout has a batch exactly when it is past Pending (the CHECK), and payout_batch_items.payout_id
    // is unique: a payout is in one batch at most, whatever a writer gets wrong. The items keep the
    // order the batch was opened with (position), which is the order of the transaction's arguments.
    //
    // payouts_pending serves the batcher's scan (oldest first); payout_batches_open serves the sweep of
    // batches not yet Final or Failed.
    public const string Migration = """
        CREATE TABLE payouts (
            id BLOB PRIMARY KEY,
            participant_id BLOB NOT NULL,
            account_id BLOB NOT NULL,
            clearing_account_id BLOB NOT NULL,
            ledger INTEGER NOT NULL,
            amount BLOB NOT NULL CHECK (length(amount) = 16),
            token_amount BLOB NOT NULL CHECK (length(token_amount) = 16),
            rail INTEGER NOT NULL CHECK (rail IN (1, 2)),
            destination BLOB NOT NULL CHECK (length(destination) = 20),
            hold_transfer_id BLOB NOT NULL,
            status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),
            batch_seq INTEGER,
            failure_reason TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CHECK ((status = 0 AND batch_seq IS NULL) OR (status IN (1, 2) AND batch_seq IS NOT NULL) OR status = 3)) WITHOUT ROWID;
        CREATE INDEX payouts_pending ON payouts (created_at, id) WHERE status = 0;
        CREATE INDEX payouts_by_batch ON payouts (batch_seq) WHERE batch_seq IS NOT NULL;

        CREATE TABLE payout_batches (
            seq INTEGER PRIMARY KEY CHECK (seq > 0),
            status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 4),
            tx_hash BLOB,
            raw_tx BLOB,
            tx_nonce INTEGER,
            block_number INTEGER,
            block_hash BLOB,
            failure_reason TEXT,
            attempts INTEGER NOT NULL CHECK (attempts >= 0),
            epoch INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL);
        CREATE INDEX payout_batches_open ON payout_batches (seq) WHERE status < 3;

        CREATE TABLE payout_batch_items (
            seq INTEGER NOT NULL,
            position INTEGER NOT NULL,
            payout_id BLOB NOT NULL UNIQUE,
            PRIMARY KEY (seq, position)) WITHOUT ROWID;

        CREATE TABLE denied_addresses (
            address BLOB PRIMARY KEY,
            reason TEXT NOT NULL,
            source TEXT NOT NULL,
            added_at INTEGER NOT NULL) WITHOUT ROWID;
        """;

    // Migration 8: payouts_failed serves the failed-hold sweep's listing of Failed payouts by time of
    // update (ListFailedPayoutsAsync): status first for the equality, then the (updated_at, id) order
    // its pages follow and continue from.
    public const string FailedIndexMigration = """
        CREATE INDEX payouts_failed ON payouts (status, updated_at, id);
        """;
}
