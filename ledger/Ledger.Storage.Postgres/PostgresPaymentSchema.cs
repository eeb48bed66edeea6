namespace Ledger.Storage.Postgres;

/// <summary>FX configuration, quotes, risk profiles, payments and refunds: one migration of <see cref="PostgresSchema"/>.</summary>
internal static class PostgresPaymentSchema
{
    // Every *_ticks column keeps DateTimeOffset's full precision (100 ns ticks, UTC). 128-bit values are
    // 16 big-endian bytes, so a bytea comparison is a numeric one and (created_at, id) cursors work.
    //
    // A quote is used once twice over: fx_quotes.payment_id is set in the transaction that records the
    // payment (after locking the quote's row), and payments.quote_id is unique.
    //
    // A risk profile keeps its lists as child rows in their order (ordinal), so it reads back exactly;
    // velocity_window_seconds is NULL when the profile has no velocity rule. Participant 16 zero bytes is
    // the default profile.
    //
    // payments_by_participant serves the activity scan of a new payment (one participant, from a time);
    // the partial indexes serve the review queue and the sweep of unfinished work.
    public const string Migration = """
        CREATE TABLE fx_rates (
            base_ledger bigint NOT NULL,
            quote_ledger bigint NOT NULL,
            mantissa bytea NOT NULL CHECK (length(mantissa) = 16),
            scale smallint NOT NULL,
            spread_bps integer NOT NULL,
            updated_at_ticks bigint NOT NULL,
            PRIMARY KEY (base_ledger, quote_ledger));

        CREATE TABLE fx_currencies (
            ledger bigint PRIMARY KEY,
            liquidity_account_id bytea NOT NULL,
            fee_account_id bytea NOT NULL,
            fee_bps integer NOT NULL,
            fee_minimum bytea NOT NULL,
            updated_at_ticks bigint NOT NULL);

        CREATE TABLE fx_quotes (
            id bytea PRIMARY KEY,
            participant_id bytea NOT NULL,
            sell_ledger bigint NOT NULL,
            buy_ledger bigint NOT NULL,
            sell_amount bytea NOT NULL,
            buy_amount bytea NOT NULL,
            fee_amount bytea NOT NULL,
            mid_mantissa bytea NOT NULL,
            mid_scale smallint NOT NULL,
            inverted boolean NOT NULL,
            spread_bps integer NOT NULL,
            rate_numerator bytea NOT NULL,
            rate_denominator bytea NOT NULL,
            created_at_ticks bigint NOT NULL,
            expires_at_ticks bigint NOT NULL,
            payment_id bytea);

        CREATE TABLE risk_profiles (
            participant_id bytea PRIMARY KEY,
            velocity_window_seconds bigint,
            velocity_count_max bigint,
            updated_at_ticks bigint NOT NULL);

        CREATE TABLE risk_currency_limits (
            participant_id bytea NOT NULL,
            ordinal integer NOT NULL,
            ledger bigint NOT NULL,
            single_payment_max bytea,
            daily_outflow_max bytea,
            PRIMARY KEY (participant_id, ordinal));

        CREATE TABLE risk_velocity_values (
            participant_id bytea NOT NULL,
            ordinal integer NOT NULL,
            ledger bigint NOT NULL,
            value_max bytea NOT NULL,
            PRIMARY KEY (participant_id, ordinal));

        CREATE TABLE payments (
            id bytea PRIMARY KEY,
            participant_id bytea NOT NULL,
            quote_id bytea NOT NULL UNIQUE,
            debtor_account_id bytea NOT NULL,
            creditor_account_id bytea NOT NULL,
            liquidity_sell_account_id bytea NOT NULL,
            liquidity_buy_account_id bytea NOT NULL,
            fee_account_id bytea NOT NULL,
            sell_ledger bigint NOT NULL,
            buy_ledger bigint NOT NULL,
            sell_amount bytea NOT NULL,
            buy_amount bytea NOT NULL,
            fee_amount bytea NOT NULL,
            rate_numerator bytea NOT NULL,
            rate_denominator bytea NOT NULL,
            reference bytea NOT NULL,
            risk_outcome smallint NOT NULL CHECK (risk_outcome BETWEEN 1 AND 3),
            risk_reason text,
            operator_action smallint NOT NULL CHECK (operator_action BETWEEN 0 AND 2),
            stage smallint NOT NULL CHECK (stage BETWEEN 0 AND 3),
            failure_reason text,
            created_at_ticks bigint NOT NULL,
            updated_at_ticks bigint NOT NULL);
        CREATE INDEX payments_by_participant ON payments (participant_id, created_at_ticks, id);
        CREATE INDEX payments_by_created ON payments (created_at_ticks, id);
        CREATE INDEX payments_awaiting_review ON payments (created_at_ticks, id) WHERE risk_outcome = 2 AND operator_action = 0 AND stage <> 3;
        CREATE INDEX payments_unfinished ON payments (created_at_ticks, id) WHERE stage = 0 OR (operator_action <> 0 AND stage = 1);

        CREATE TABLE payment_decisions (
            payment_id bytea NOT NULL,
            seq integer NOT NULL CHECK (seq > 0),
            rule text NOT NULL,
            outcome smallint NOT NULL CHECK (outcome BETWEEN 1 AND 3),
            reason text NOT NULL,
            detail text NOT NULL,
            at_ticks bigint NOT NULL,
            PRIMARY KEY (payment_id, seq));

        CREATE TABLE refunds (
            id bytea PRIMARY KEY,
            payment_id bytea NOT NULL,
            requested_by bytea NOT NULL,
            buy_amount bytea NOT NULL,
            sell_amount bytea NOT NULL,
            fee_amount bytea NOT NULL,
            reference bytea NOT NULL,
            stage smallint NOT NULL CHECK (stage IN (0, 1, 3)),
            failure_reason text,
            created_at_ticks bigint NOT NULL,
            updated_at_ticks bigint NOT NULL);
        CREATE INDEX refunds_by_payment ON refunds (payment_id, created_at_ticks, id);
        CREATE INDEX refunds_unfinished ON refunds (created_at_ticks, id) WHERE stage = 0;
        """;
}
