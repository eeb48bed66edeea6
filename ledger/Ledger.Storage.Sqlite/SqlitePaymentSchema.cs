namespace Ledger.Storage.Sqlite;

/// <summary>FX configuration, quotes, risk profiles, payments and refunds: one migration of <see cref="SqliteSchema"/>.</summary>
internal static class SqlitePaymentSchema
{
    // Every *_at column is UTC ticks, exact to the DateTimeOffset it came from. 128-bit values are 16
    // big-endian bytes (Blob), so a blob comparison is a numeric one and (created_at, id) cursors work.
    //
    // A quote is used once twice over: fx_quotes.payment_id is set in the transaction that records the
    // payment, and payments.quote_id is unique.
    //
    // A risk profile keeps its lists as child rows in their order (ordinal), so it reads back exactly;
    // velocity_window_seconds is NULL when the profile has no velocity rule. Participant 16 zero bytes is
    // the default profile.
    //
    // payments_by_participant serves the activity scan of a new payment (one participant, from a time);
    // the partial indexes serve the review queue and the sweep of unfinished work.
    public const string Migration = """
        CREATE TABLE fx_rates (
            base_ledger INTEGER NOT NULL,
            quote_ledger INTEGER NOT NULL,
            mantissa BLOB NOT NULL CHECK (length(mantissa) = 16),
            scale INTEGER NOT NULL,
            spread_bps INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (base_ledger, quote_ledger)) WITHOUT ROWID;

        CREATE TABLE fx_currencies (
            ledger INTEGER PRIMARY KEY,
            liquidity_account_id BLOB NOT NULL,
            fee_account_id BLOB NOT NULL,
            fee_bps INTEGER NOT NULL,
            fee_minimum BLOB NOT NULL,
            updated_at INTEGER NOT NULL);

        CREATE TABLE fx_quotes (
            id BLOB PRIMARY KEY,
            participant_id BLOB NOT NULL,
            sell_ledger INTEGER NOT NULL,
            buy_ledger INTEGER NOT NULL,
            sell_amount BLOB NOT NULL,
            buy_amount BLOB NOT NULL,
            fee_amount BLOB NOT NULL,
            mid_mantissa BLOB NOT NULL,
            mid_scale INTEGER NOT NULL,
            inverted INTEGER NOT NULL CHECK (inverted IN (0, 1)),
            spread_bps INTEGER NOT NULL,
            rate_numerator BLOB NOT NULL,
            rate_denominator BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            payment_id BLOB) WITHOUT ROWID;

        CREATE TABLE risk_profiles (
            participant_id BLOB PRIMARY KEY,
            velocity_window_seconds INTEGER,
            velocity_count_max INTEGER,
            updated_at INTEGER NOT NULL) WITHOUT ROWID;

        CREATE TABLE risk_currency_limits (
            participant_id BLOB NOT NULL,
            ordinal INTEGER NOT NULL,
            ledger INTEGER NOT NULL,
            single_payment_max BLOB,
            daily_outflow_max BLOB,
            PRIMARY KEY (participant_id, ordinal)) WITHOUT ROWID;

        CREATE TABLE risk_velocity_values (
            participant_id BLOB NOT NULL,
            ordinal INTEGER NOT NULL,
            ledger INTEGER NOT NULL,
            value_max BLOB NOT NULL,
            PRIMARY KEY (participant_id, ordinal)) WITHOUT ROWID;

        CREATE TABLE payments (
            id BLOB PRIMARY KEY,
            participant_id BLOB NOT NULL,
            quote_id BLOB NOT NULL UNIQUE,
            debtor_account_id BLOB NOT NULL,
            creditor_account_id BLOB NOT NULL,
            liquidity_sell_account_id BLOB NOT NULL,
            liquidity_buy_account_id BLOB NOT NULL,
            fee_account_id BLOB NOT NULL,
            sell_ledger INTEGER NOT NULL,
            buy_ledger INTEGER NOT NULL,
            sell_amount BLOB NOT NULL,
            buy_amount BLOB NOT NULL,
            fee_amount BLOB NOT NULL,
            rate_numerator BLOB NOT NULL,
            rate_denominator BLOB NOT NULL,
            reference BLOB NOT NULL,
            risk_outcome INTEGER NOT NULL CHECK (risk_outcome BETWEEN 1 AND 3),
            risk_reason TEXT,
            operator_action INTEGER NOT NULL CHECK (operator_action BETWEEN 0 AND 2),
            stage INTEGER NOT NULL CHECK (stage BETWEEN 0 AND 3),
            failure_reason TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX payments_by_participant ON payments (participant_id, created_at, id);
        CREATE INDEX payments_by_created ON payments (created_at, id);
        CREATE INDEX payments_awaiting_review ON payments (created_at, id) WHERE risk_outcome = 2 AND operator_action = 0 AND stage <> 3;
        CREATE INDEX payments_unfinished ON payments (created_at, id) WHERE stage = 0 OR (operator_action <> 0 AND stage = 1);

        CREATE TABLE payment_decisions (
            payment_id BLOB NOT NULL,
            seq INTEGER NOT NULL CHECK (seq > 0),
            rule TEXT NOT NULL,
            outcome INTEGER NOT NULL CHECK (outcome BETWEEN 1 AND 3),
            reason TEXT NOT NULL,
            detail TEXT NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (payment_id, seq)) WITHOUT ROWID;

        CREATE TABLE refunds (
            id BLOB PRIMARY KEY,
            payment_id BLOB NOT NULL,
            requested_by BLOB NOT NULL,
            buy_amount BLOB NOT NULL,
            sell_amount BLOB NOT NULL,
            fee_amount BLOB NOT NULL,
            reference BLOB NOT NULL,
            stage INTEGER NOT NULL CHECK (stage IN (0, 1, 3)),
            failure_reason TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX refunds_by_payment ON refunds (payment_id, created_at, id);
        CREATE INDEX refunds_unfinished ON refunds (created_at, id) WHERE stage = 0;
        """;
}
