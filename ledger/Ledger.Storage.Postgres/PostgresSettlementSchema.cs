namespace Ledger.Storage.Postgres;

/// <summary>The settlement tables, one migration of <see cref="PostgresSchema"/>.</summary>
internal static class PostgresSettlementSchema
{
    // closed_at_ticks keeps DateTimeOffset's full precision (UTC ticks). A batch's seq, range and tree
    // size are each unique: two leaders racing cannot both close seq N, nor cover a range twice. net is
    // a decimal string: a net position may lie outside every fixed-width integer type.
    public const string Migration = """
        CREATE TABLE settlements (
            seq bigint PRIMARY KEY CHECK (seq > 0),
            first_log_index bigint NOT NULL UNIQUE,
            tree_size bigint NOT NULL UNIQUE,
            root bytea NOT NULL CHECK (length(root) = 32),
            closed_at_ticks bigint NOT NULL,
            status smallint NOT NULL CHECK (status BETWEEN 0 AND 3),
            tx_hash bytea,
            raw_tx bytea,
            tx_nonce bigint,
            block_number bigint,
            block_hash bytea,
            chain_seq bigint,
            epoch bigint NOT NULL,
            CHECK (tree_size > first_log_index));
        CREATE INDEX settlements_unfinal ON settlements (seq) WHERE status <> 3;

        CREATE TABLE settlement_positions (
            seq bigint NOT NULL,
            participant_id bytea NOT NULL,
            ledger bigint NOT NULL,
            net text NOT NULL,
            PRIMARY KEY (seq, ledger, participant_id));
        """;
}
