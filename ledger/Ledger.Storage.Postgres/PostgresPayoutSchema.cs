namespace Ledger.Storage.Postgres;

/// <summary>Payouts, their batches and the deny list: one migration of <see cref="PostgresSchema"/>.</summary>
internal static class PostgresPayoutSchema
{
    // Every *_ticks column keeps DateTimeOffset's full precision (100 ns ticks, UTC). 128-bit values are
    // 16 big-endian bytes, so a bytea comparison is a numeric one.
    //
    // A payout has a batch exactly when it is past Pending (the CHECK), and payout_batch_items.payout_id
    // is unique: a payout is in one batch at most, whatever a writer gets wrong. The items keep the
    // order the batch was opened with (position), which is the order of the transaction's arguments.
    //
    // payouts_pending serves the batcher's scan (oldest first); payout_batches_open serves the sweep of
    // batches not yet Final or Failed.
    public const string Migration = """
        CREATE TABLE payouts (
            id bytea PRIMARY KEY,
            participant_id bytea NOT NULL,
            account_id bytea NOT NULL,
            clearing_account_id bytea NOT NULL,
            ledger bigint NOT NULL,
            amount bytea NOT NULL CHECK (length(amount) = 16),
            token_amount bytea NOT NULL CHECK (length(token_amount) = 16),
            rail smallint NOT NULL CHECK (rail IN (1, 2)),
            destination bytea NOT NULL CHECK (length(destination) = 20),
            hold_transfer_id bytea NOT NULL,
            status smallint NOT NULL CHECK (status BETWEEN 0 AND 3),
            batch_seq bigint,
            failure_reason text,
            created_at_ticks bigint NOT NULL,
            updated_at_ticks bigint NOT NULL,
            CHECK ((status = 0 AND batch_seq IS NULL) OR (status IN (1, 2) AND batch_seq IS NOT NULL) OR status = 3));
        CREATE INDEX payouts_pending ON payouts (created_at_ticks, id) WHERE status = 0;
        CREATE INDEX payouts_by_batch ON payouts (batch_seq) WHERE batch_seq IS NOT NULL;

        CREATE TABLE payout_batches (
            seq bigint PRIMARY KEY CHECK (seq > 0),
            status smallint NOT NULL CHECK (status BETWEEN 0 AND 4),
            tx_hash bytea,
            raw_tx bytea,
            tx_nonce bigint,
            block_number bigint,
            block_hash bytea,
            failure_reason text,
            attempts integer NOT NULL CHECK (attempts >= 0),
            epoch bigint NOT NULL,
            created_at_ticks bigint NOT NULL,
            updated_at_ticks bigint NOT NULL);
        CREATE INDEX payout_batches_open ON payout_batches (seq) WHERE status < 3;

        CREATE TABLE payout_batch_items (
            seq bigint NOT NULL,
            position integer NOT NULL,
            payout_id bytea NOT NULL UNIQUE,
            PRIMARY KEY (seq, position));

        CREATE TABLE denied_addresses (
            address bytea PRIMARY KEY,
            reason text NOT NULL,
            source text NOT NULL,
            added_at_ticks bigint NOT NULL);
        """;

    // Migration 7: payouts_failed serves the failed-hold sweep's listing of Failed payouts by time of
    // update (ListFailedPayoutsAsync): status first for the equality, then the (updated_at_ticks, id)
    // order its pages follow and continue from. Built inside the migration's transaction, so writes to
    // payouts wait for it once, at the start of the first node on the new version.
    public const string FailedIndexMigration = """
        CREATE INDEX payouts_failed ON payouts (status, updated_at_ticks, id);
        """;
}
