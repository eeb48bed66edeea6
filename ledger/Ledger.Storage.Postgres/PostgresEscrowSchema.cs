namespace Ledger.Storage.Postgres;

/// <summary>Escrows, their chain event cursor and the last reconciliation report: one migration of <see cref="PostgresSchema"/>.</summary>
internal static class PostgresEscrowSchema
{
    // Every *_ticks column keeps DateTimeOffset's full precision (100 ns ticks, UTC); deadline and
    // permit_deadline are unix seconds, as the contracts keep them. 128-bit values are 16 big-endian bytes,
    // so a bytea comparison is a numeric one. Status, funding and transaction kind are the enums' numbers.
    // The same tables and CHECKs as SQLite's migration 7 (SqliteEscrowSchema).
    //
    // The CHECKs hold what every writer must keep, whatever it gets wrong: a permit exactly when the funding
    // is one; the transaction fields all set or all clear, and the kind the status sends while Opening,
    // Releasing or Refunding; the opened block from Open on (a Failed escrow never opened); the closed block
    // and transaction exactly when Released or Refunded; a reason when Failed. A nullable column is tested
    // with IS NOT NULL before its length, since a CHECK that is NULL passes.
    //
    // escrows_active serves the silo's sweep (oldest first); escrows_by_participant and escrows_by_created
    // the listings (newest first). The cursor and the report are single rows; a report's mismatches keep the
    // order they were recorded in (position).
    public const string Migration = """
        CREATE TABLE escrows (
            id bytea PRIMARY KEY,
            participant_id bytea NOT NULL,
            funding smallint NOT NULL CHECK (funding IN (1, 2)),
            account_id bytea NOT NULL,
            escrow_account_id bytea NOT NULL,
            ledger bigint NOT NULL,
            amount bytea NOT NULL CHECK (length(amount) = 16),
            token_amount bytea NOT NULL CHECK (length(token_amount) = 16),
            payer bytea NOT NULL CHECK (length(payer) = 20),
            payee bytea NOT NULL CHECK (length(payee) = 20),
            arbiter bytea NOT NULL CHECK (length(arbiter) = 20),
            deadline bigint NOT NULL CHECK (deadline >= 0),
            permit_deadline bigint,
            permit_v smallint,
            permit_r bytea,
            permit_s bytea,
            status smallint NOT NULL CHECK (status BETWEEN 0 AND 6),
            failure_reason text,
            tx_kind smallint CHECK (tx_kind IN (1, 2, 3)),
            tx_hash bytea,
            raw_tx bytea,
            tx_nonce bigint,
            attempts integer NOT NULL CHECK (attempts >= 0),
            opened_block bigint CHECK (opened_block >= 0),
            closed_block bigint CHECK (closed_block >= 0),
            closed_tx_hash bytea,
            created_at_ticks bigint NOT NULL,
            updated_at_ticks bigint NOT NULL,
            CHECK ((funding = 1 AND permit_deadline IS NULL AND permit_v IS NULL AND permit_r IS NULL AND permit_s IS NULL)
                OR (funding = 2 AND permit_deadline IS NOT NULL AND permit_deadline >= 0 AND permit_v IS NOT NULL AND permit_v BETWEEN 0 AND 255
                    AND permit_r IS NOT NULL AND length(permit_r) = 32 AND permit_s IS NOT NULL AND length(permit_s) = 32)),
            CHECK ((tx_kind IS NULL) = (tx_hash IS NULL) AND (tx_hash IS NULL) = (raw_tx IS NULL) AND (raw_tx IS NULL) = (tx_nonce IS NULL)),
            CHECK (tx_kind IS NULL OR status NOT IN (0, 2, 3) OR tx_kind = CASE status WHEN 0 THEN 1 ELSE status END),
            CHECK ((opened_block IS NOT NULL) = (status BETWEEN 1 AND 5)),
            CHECK ((closed_block IS NOT NULL) = (status IN (4, 5)) AND (closed_tx_hash IS NOT NULL) = (status IN (4, 5))),
            CHECK (status <> 6 OR failure_reason IS NOT NULL));
        CREATE INDEX escrows_active ON escrows (created_at_ticks, id) WHERE status <= 3;
        CREATE INDEX escrows_by_participant ON escrows (participant_id, created_at_ticks, id);
        CREATE INDEX escrows_by_created ON escrows (created_at_ticks, id);

        CREATE TABLE escrow_cursor (
            singleton smallint PRIMARY KEY CHECK (singleton = 1),
            block_number bigint NOT NULL CHECK (block_number >= 0));

        CREATE TABLE reconciliation_report (
            singleton smallint PRIMARY KEY CHECK (singleton = 1),
            checked_at_ticks bigint NOT NULL,
            block_number bigint NOT NULL CHECK (block_number >= 0),
            escrows_checked integer NOT NULL CHECK (escrows_checked >= 0),
            payouts_checked integer NOT NULL CHECK (payouts_checked >= 0));

        CREATE TABLE reconciliation_mismatches (
            position integer PRIMARY KEY CHECK (position >= 0),
            subject text NOT NULL CHECK (subject IN ('escrow', 'payout', 'treasury')),
            subject_id bytea,
            kind text NOT NULL,
            detail text NOT NULL,
            CHECK ((subject_id IS NULL) = (subject = 'treasury')));
        """;
}
