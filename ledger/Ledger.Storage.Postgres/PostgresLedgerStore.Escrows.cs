using Ledger.Core.Escrows;
using Ledger.Core.Settlement;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Storage.Postgres;

/// <summary>
/// Escrows, their chain event cursor and the last reconciliation report, shared by every node. Every status
/// change is one statement whose WHERE compares the stored status (and transaction hash), so of two racing
/// writers one wins and the other answers Conflict (or false); the silo's writes run in one transaction
/// that first takes a share lock on the leader's lease row checked against the fence
/// (<see cref="FencedAsync"/>, as for settlements and payout batches). The API's writes (record, fail an
/// opening, ask for a release or refund) are compare-and-set only.
/// </summary>
public sealed partial class PostgresLedgerStore : IEscrowStore
{
    /// <summary>The most rows one escrow listing returns.</summary>
    private const int EscrowPageMax = 1000;

    private const string EscrowColumns =
        "id, participant_id, funding, account_id, escrow_account_id, ledger, amount, token_amount, payer, payee, arbiter, deadline, " +
        "permit_deadline, permit_v, permit_r, permit_s, status, failure_reason, tx_kind, tx_hash, raw_tx, tx_nonce, attempts, " +
        "opened_block, closed_block, closed_tx_hash, created_at_ticks, updated_at_ticks";

    public async ValueTask<(EscrowCreation Result, Escrow Escrow)> TryAddEscrowAsync(Escrow escrow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escrow);
        escrow.ValidateNew();
        var permit = escrow.Permit;
        await using (var insert = dataSource.CreateCommand($"""
            INSERT INTO escrows ({EscrowColumns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, $17, $18)
            ON CONFLICT (id) DO NOTHING
            """))
        {
            insert.Parameters.Add(PostgresRows.Id(escrow.Id));
            insert.Parameters.Add(PostgresRows.Id(escrow.ParticipantId));
            insert.Parameters.Add(PostgresRows.SmallInt((short)escrow.Funding));
            insert.Parameters.Add(PostgresRows.Id(escrow.AccountId));
            insert.Parameters.Add(PostgresRows.Id(escrow.EscrowAccountId));
            insert.Parameters.Add(PostgresRows.BigInt(escrow.Ledger));
            insert.Parameters.Add(PostgresRows.Id(escrow.Amount));
            insert.Parameters.Add(PostgresRows.Id(escrow.TokenAmount));
            insert.Parameters.Add(PostgresRows.Bytea(escrow.Payer));
            insert.Parameters.Add(PostgresRows.Bytea(escrow.Payee));
            insert.Parameters.Add(PostgresRows.Bytea(escrow.Arbiter));
            insert.Parameters.Add(PostgresRows.BigInt(escrow.Deadline.ToUnixTimeSeconds()));
            insert.Parameters.Add(NullableBigInt64(permit is null ? null : PostgresRows.Int64(permit.Deadline)));
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Smallint, Value = permit is null ? DBNull.Value : (short)permit.V });
            insert.Parameters.Add(NullableBytea(permit?.R));
            insert.Parameters.Add(NullableBytea(permit?.S));
            insert.Parameters.Add(PostgresRows.BigInt(escrow.CreatedAt.UtcTicks));
            insert.Parameters.Add(PostgresRows.BigInt(escrow.UpdatedAt.UtcTicks));
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return (EscrowCreation.Created, Normalised(escrow));
            }
        }

        // An escrow row is never deleted, so the one that won is there to read.
        var stored = await GetEscrowAsync(escrow.Id, cancellationToken)
            ?? throw new InvalidOperationException($"Escrow {escrow.Id} conflicted on insert but cannot be read.");
        return (EscrowCreation.Exists, stored);
    }

    public async ValueTask<Escrow?> GetEscrowAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {EscrowColumns} FROM escrows WHERE id = $1");
        command.Parameters.Add(PostgresRows.Id(id));
        var found = await ReadAllAsync(command, ReadEscrow, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<Escrow>> ListActiveEscrowsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, EscrowPageMax);

        // The text matches the partial index's WHERE.
        await using var command = dataSource.CreateCommand($"SELECT {EscrowColumns} FROM escrows WHERE status <= 3 ORDER BY created_at_ticks, id LIMIT $1");
        command.Parameters.Add(PostgresRows.Integer(limit));
        return await ReadAllAsync(command, ReadEscrow, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Escrow>> ListEscrowsAsync(UInt128? participantId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, EscrowPageMax);
        await using var command = dataSource.CreateCommand(participantId is null
            ? $"SELECT {EscrowColumns} FROM escrows ORDER BY created_at_ticks DESC, id DESC LIMIT $1"
            : $"SELECT {EscrowColumns} FROM escrows WHERE participant_id = $2 ORDER BY created_at_ticks DESC, id DESC LIMIT $1");
        command.Parameters.Add(PostgresRows.Integer(limit));
        if (participantId is { } participant)
        {
            command.Parameters.Add(PostgresRows.Id(participant));
        }

        return await ReadAllAsync(command, ReadEscrow, cancellationToken);
    }

    public async ValueTask<bool> TryFailOpeningAsync(UInt128 id, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        await using var command = dataSource.CreateCommand(
            "UPDATE escrows SET status = 6, failure_reason = $2, updated_at_ticks = $3 WHERE id = $1 AND status = 0 AND tx_hash IS NULL");
        command.Parameters.Add(PostgresRows.Id(id));
        command.Parameters.Add(PostgresRows.Text(reason));
        command.Parameters.Add(PostgresRows.BigInt(at.UtcTicks));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> TryRequestActionAsync(UInt128 id, EscrowStatus to, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (to is not (EscrowStatus.Releasing or EscrowStatus.Refunding))
        {
            throw new ArgumentOutOfRangeException(nameof(to), $"An Open escrow is asked to be Releasing or Refunding, not {to}.");
        }

        await using var command = dataSource.CreateCommand("""
            UPDATE escrows SET status = $2, failure_reason = NULL, tx_kind = NULL, tx_hash = NULL, raw_tx = NULL, tx_nonce = NULL, attempts = 0, updated_at_ticks = $3
            WHERE id = $1 AND status = 1
            """);
        command.Parameters.Add(PostgresRows.Id(id));
        command.Parameters.Add(PostgresRows.SmallInt((short)to));
        command.Parameters.Add(PostgresRows.BigInt(at.UtcTicks));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<SettlementWrite> RecordEscrowTxAsync(
        UInt128 id, EscrowStatus expected, EscrowTxKind kind, byte[]? replacedTxHash, SignedAnchor transaction, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(transaction.TxHash);
        ArgumentNullException.ThrowIfNull(transaction.RawTx);
        if (EscrowTransitions.TxKindOf(expected) != kind)
        {
            throw new ArgumentException($"An escrow sends its {EscrowTransitions.TxKindOf(expected)} while {expected}, not its {kind}.", nameof(kind));
        }

        var nonce = PostgresRows.Int64(transaction.Nonce);
        return await FencedAsync(fence, async (connection, sqlTransaction) =>
        {
            await using var command = new NpgsqlCommand(
                """
                UPDATE escrows SET tx_kind = $4, tx_hash = $5, raw_tx = $6, tx_nonce = $7, attempts = attempts + 1, updated_at_ticks = $8
                WHERE id = $1 AND status = $2 AND ((tx_hash IS NULL AND $3::bytea IS NULL) OR tx_hash = $3)
                """,
                connection,
                sqlTransaction);
            command.Parameters.Add(PostgresRows.Id(id));
            command.Parameters.Add(PostgresRows.SmallInt((short)expected));
            command.Parameters.Add(NullableBytea(replacedTxHash));
            command.Parameters.Add(PostgresRows.SmallInt((short)kind));
            command.Parameters.Add(PostgresRows.Bytea(transaction.TxHash));
            command.Parameters.Add(PostgresRows.Bytea(transaction.RawTx));
            command.Parameters.Add(PostgresRows.BigInt(nonce));
            command.Parameters.Add(PostgresRows.BigInt(at.UtcTicks));
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? SettlementWrite.Applied : SettlementWrite.Conflict;
        }, cancellationToken);
    }

    public async ValueTask<SettlementWrite> TryAdvanceEscrowAsync(
        UInt128 id, EscrowStatus from, EscrowStatus to, string? reason, ulong? block, byte[]? txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        EscrowTransitions.Validate(from, to, reason, block, txHash);
        var assignments = (from, to) switch
        {
            (EscrowStatus.Opening, EscrowStatus.Open) => ", opened_block = $6",
            (_, EscrowStatus.Open) => ", tx_kind = NULL, tx_hash = NULL, raw_tx = NULL, tx_nonce = NULL, attempts = 0",
            (_, EscrowStatus.Released or EscrowStatus.Refunded) => ", closed_block = $6, closed_tx_hash = $7",
            _ => string.Empty,
        };
        return await FencedAsync(fence, async (connection, transaction) =>
        {
            // $6 and $7 are typed, so a statement that does not use them is still well-formed.
            await using var command = new NpgsqlCommand(
                $"UPDATE escrows SET status = $3, failure_reason = $4{assignments}, updated_at_ticks = $5 WHERE id = $1 AND status = $2",
                connection,
                transaction);
            command.Parameters.Add(PostgresRows.Id(id));
            command.Parameters.Add(PostgresRows.SmallInt((short)from));
            command.Parameters.Add(PostgresRows.SmallInt((short)to));
            command.Parameters.Add(NullableText(reason));
            command.Parameters.Add(PostgresRows.BigInt(at.UtcTicks));
            command.Parameters.Add(NullableBigInt64(block is { } b ? PostgresRows.Int64(b) : null));
            command.Parameters.Add(NullableBytea(txHash));
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? SettlementWrite.Applied : SettlementWrite.Conflict;
        }, cancellationToken);
    }

    public async ValueTask<ulong?> GetEscrowCursorAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT block_number FROM escrow_cursor WHERE singleton = 1");
        return await command.ExecuteScalarAsync(cancellationToken) is long block ? PostgresRows.UInt64(block) : null;
    }

    public async ValueTask<SettlementWrite> TrySetEscrowCursorAsync(ulong? expected, ulong next, SettlementFence fence, CancellationToken cancellationToken)
    {
        var nextValue = PostgresRows.Int64(next);
        if (expected > long.MaxValue)
        {
            return SettlementWrite.Conflict;
        }

        return await FencedAsync(fence, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand(
                expected is null
                    ? "INSERT INTO escrow_cursor (singleton, block_number) VALUES (1, $1) ON CONFLICT (singleton) DO NOTHING"
                    : "UPDATE escrow_cursor SET block_number = $1 WHERE singleton = 1 AND block_number = $2",
                connection,
                transaction);
            command.Parameters.Add(PostgresRows.BigInt(nextValue));
            if (expected is { } e)
            {
                command.Parameters.Add(PostgresRows.BigInt((long)e));
            }

            return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? SettlementWrite.Applied : SettlementWrite.Conflict;
        }, cancellationToken);
    }

    public async ValueTask<SettlementWrite> RecordReconciliationAsync(ReconciliationReport report, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Validate();
        return await FencedAsync(fence, async (connection, transaction) =>
        {
            await using (var clear = new NpgsqlCommand("DELETE FROM reconciliation_mismatches", connection, transaction))
            {
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var upsert = new NpgsqlCommand(
                """
                INSERT INTO reconciliation_report (singleton, checked_at_ticks, block_number, escrows_checked, payouts_checked)
                VALUES (1, $1, $2, $3, $4)
                ON CONFLICT (singleton) DO UPDATE SET checked_at_ticks = excluded.checked_at_ticks, block_number = excluded.block_number,
                    escrows_checked = excluded.escrows_checked, payouts_checked = excluded.payouts_checked
                """,
                connection,
                transaction))
            {
                upsert.Parameters.Add(PostgresRows.BigInt(report.CheckedAt.UtcTicks));
                upsert.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(report.BlockNumber)));
                upsert.Parameters.Add(PostgresRows.Integer(report.EscrowsChecked));
                upsert.Parameters.Add(PostgresRows.Integer(report.PayoutsChecked));
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }

            if (report.Mismatches.Count == 0)
            {
                return SettlementWrite.Applied;
            }

            // Every mismatch in one statement; WITH ORDINALITY numbers them in the order recorded.
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO reconciliation_mismatches (position, subject, subject_id, kind, detail)
                SELECT (m.n - 1)::integer, m.subject, m.subject_id, m.kind, m.detail
                FROM unnest($1::text[], $2::bytea[], $3::text[], $4::text[]) WITH ORDINALITY AS m (subject, subject_id, kind, detail, n)
                """,
                connection,
                transaction);
            insert.Parameters.Add(TextArray([.. report.Mismatches.Select(static m => m.Subject)]));
            insert.Parameters.Add(NullableByteaArray([.. report.Mismatches.Select(static m => m.Id)]));
            insert.Parameters.Add(TextArray([.. report.Mismatches.Select(static m => m.Kind)]));
            insert.Parameters.Add(TextArray([.. report.Mismatches.Select(static m => m.Detail)]));
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return SettlementWrite.Applied;
        }, cancellationToken);
    }

    public async ValueTask<ReconciliationReport?> GetReconciliationAsync(CancellationToken cancellationToken)
    {
        // The report and its mismatches in one statement, so both come from the same snapshot.
        await using var command = dataSource.CreateCommand("""
            SELECT r.checked_at_ticks, r.block_number, r.escrows_checked, r.payouts_checked, m.subject, m.subject_id, m.kind, m.detail
            FROM reconciliation_report r
            LEFT JOIN reconciliation_mismatches m ON true
            WHERE r.singleton = 1
            ORDER BY m.position
            """);
        ReconciliationReport? report = null;
        var mismatches = new List<ReconciliationMismatch>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            report ??= new ReconciliationReport(At(reader.GetInt64(0)), PostgresRows.UInt64(reader.GetInt64(1)), reader.GetInt32(2), reader.GetInt32(3), mismatches);
            if (!reader.IsDBNull(4))
            {
                mismatches.Add(new ReconciliationMismatch(reader.GetString(4), reader.IsDBNull(5) ? null : Id(reader, 5), reader.GetString(6), reader.GetString(7)));
            }
        }

        return report;
    }

    /// <summary>The escrow as it reads back: times in UTC, exact to the tick (the deadline to the second).</summary>
    private static Escrow Normalised(Escrow escrow) => escrow with
    {
        Deadline = DateTimeOffset.FromUnixTimeSeconds(escrow.Deadline.ToUnixTimeSeconds()),
        CreatedAt = At(escrow.CreatedAt.UtcTicks),
        UpdatedAt = At(escrow.UpdatedAt.UtcTicks),
    };

    private static NpgsqlParameter NullableBytea(byte[]? value) => new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter NullableBigInt64(long? value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = value is { } v ? v : DBNull.Value };

    private static Escrow ReadEscrow(NpgsqlDataReader reader) => new(
        Id(reader, 0),
        Id(reader, 1),
        (EscrowFunding)reader.GetInt16(2),
        Id(reader, 3),
        Id(reader, 4),
        checked((uint)reader.GetInt64(5)),
        Id(reader, 6),
        Id(reader, 7),
        reader.GetFieldValue<byte[]>(8),
        reader.GetFieldValue<byte[]>(9),
        reader.GetFieldValue<byte[]>(10),
        DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(11)),
        reader.IsDBNull(12)
            ? null
            : new EscrowPermit(PostgresRows.UInt64(reader.GetInt64(12)), checked((byte)reader.GetInt16(13)), reader.GetFieldValue<byte[]>(14), reader.GetFieldValue<byte[]>(15)),
        (EscrowStatus)reader.GetInt16(16),
        reader.IsDBNull(17) ? null : reader.GetString(17),
        reader.IsDBNull(18) ? null : (EscrowTxKind)reader.GetInt16(18),
        reader.IsDBNull(19) ? null : reader.GetFieldValue<byte[]>(19),
        reader.IsDBNull(20) ? null : reader.GetFieldValue<byte[]>(20),
        reader.IsDBNull(21) ? null : PostgresRows.UInt64(reader.GetInt64(21)),
        reader.GetInt32(22),
        reader.IsDBNull(23) ? null : PostgresRows.UInt64(reader.GetInt64(23)),
        reader.IsDBNull(24) ? null : PostgresRows.UInt64(reader.GetInt64(24)),
        reader.IsDBNull(25) ? null : reader.GetFieldValue<byte[]>(25),
        At(reader.GetInt64(26)),
        At(reader.GetInt64(27)));
}
