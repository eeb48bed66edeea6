using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Storage.Postgres;

/// <summary>
/// Payouts, their batches and the deny list, shared by every node. Every batch write is one transaction
/// that first takes a share lock on the leader's lease row checked against the fence
/// (<see cref="FencedAsync"/>, as for settlements), then compares the stored state in the UPDATE's WHERE,
/// then writes. Opening a batch also takes <see cref="AdvisoryLocks.PayoutBatchOpen"/>, so openings are serialised
/// across the cluster: each sees every payout an earlier one took, the next seq is never contended, and
/// two openings never lock the same payout rows in different orders.
/// </summary>
public sealed partial class PostgresLedgerStore : IPayoutStore
{
    /// <summary>The most rows one payout listing returns.</summary>
    private const int PayoutPageMax = 1000;

    /// <summary>A payout's destination on the rail: a 20-byte address.</summary>
    private const int PayoutDestinationBytes = 20;

    private const string PayoutColumns =
        "id, participant_id, account_id, clearing_account_id, ledger, amount, token_amount, rail, destination, hold_transfer_id, " +
        "status, batch_seq, failure_reason, created_at_ticks, updated_at_ticks";

    private const string PayoutBatchColumns =
        "seq, status, tx_hash, raw_tx, tx_nonce, block_number, block_hash, failure_reason, attempts, epoch, created_at_ticks, updated_at_ticks";

    public async ValueTask<(PayoutCreation Result, Payout Payout)> TryAddPayoutAsync(Payout payout, CancellationToken cancellationToken)
    {
        ValidateNewPayout(payout);
        await using (var insert = dataSource.CreateCommand($"""
            INSERT INTO payouts ({PayoutColumns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, NULL, NULL, $11, $12)
            ON CONFLICT (id) DO NOTHING
            """))
        {
            insert.Parameters.Add(PostgresRows.Id(payout.Id));
            insert.Parameters.Add(PostgresRows.Id(payout.ParticipantId));
            insert.Parameters.Add(PostgresRows.Id(payout.AccountId));
            insert.Parameters.Add(PostgresRows.Id(payout.ClearingAccountId));
            insert.Parameters.Add(PostgresRows.BigInt(payout.Ledger));
            insert.Parameters.Add(PostgresRows.Id(payout.Amount));
            insert.Parameters.Add(PostgresRows.Id(payout.TokenAmount));
            insert.Parameters.Add(PostgresRows.SmallInt((short)payout.Rail));
            insert.Parameters.Add(PostgresRows.Bytea(payout.Destination));
            insert.Parameters.Add(PostgresRows.Id(payout.HoldTransferId));
            insert.Parameters.Add(PostgresRows.BigInt(payout.CreatedAt.UtcTicks));
            insert.Parameters.Add(PostgresRows.BigInt(payout.UpdatedAt.UtcTicks));
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return (PayoutCreation.Created, Normalised(payout));
            }
        }

        // A payout row is never deleted, so the one that won is there to read.
        var stored = await GetPayoutAsync(payout.Id, cancellationToken)
            ?? throw new InvalidOperationException($"Payout {payout.Id} conflicted on insert but cannot be read.");
        return (PayoutCreation.Exists, stored);
    }

    public async ValueTask<Payout?> GetPayoutAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {PayoutColumns} FROM payouts WHERE id = $1");
        command.Parameters.Add(PostgresRows.Id(id));
        var found = await ReadAllAsync(command, ReadPayout, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<Payout>> ListPayoutsAsync(UInt128? participantId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PayoutPageMax);
        await using var command = dataSource.CreateCommand(participantId is null
            ? $"SELECT {PayoutColumns} FROM payouts ORDER BY created_at_ticks DESC, id DESC LIMIT $1"
            : $"SELECT {PayoutColumns} FROM payouts WHERE participant_id = $2 ORDER BY created_at_ticks DESC, id DESC LIMIT $1");
        command.Parameters.Add(PostgresRows.Integer(limit));
        if (participantId is { } participant)
        {
            command.Parameters.Add(PostgresRows.Id(participant));
        }

        return await ReadAllAsync(command, ReadPayout, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Payout>> ListPendingPayoutsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PayoutPageMax);

        // status = 0 implies no batch (the table's CHECK); the text matches the partial index's WHERE.
        await using var command = dataSource.CreateCommand($"SELECT {PayoutColumns} FROM payouts WHERE status = 0 ORDER BY created_at_ticks, id LIMIT $1");
        command.Parameters.Add(PostgresRows.Integer(limit));
        return await ReadAllAsync(command, ReadPayout, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Payout>> ListFailedPayoutsAsync(DateTimeOffset updatedSince, UInt128? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PayoutPageMax);

        // Both forms are a range scan of payouts_failed (status = 3, then updated_at_ticks and id in order).
        await using var command = dataSource.CreateCommand(afterId is null
            ? $"SELECT {PayoutColumns} FROM payouts WHERE status = 3 AND updated_at_ticks >= $2 ORDER BY updated_at_ticks, id LIMIT $1"
            : $"SELECT {PayoutColumns} FROM payouts WHERE status = 3 AND (updated_at_ticks, id) > ($2, $3) ORDER BY updated_at_ticks, id LIMIT $1");
        command.Parameters.Add(PostgresRows.Integer(limit));
        command.Parameters.Add(PostgresRows.BigInt(updatedSince.UtcTicks));
        if (afterId is { } after)
        {
            command.Parameters.Add(PostgresRows.Id(after));
        }

        return await ReadAllAsync(command, ReadPayout, cancellationToken);
    }

    public async ValueTask<(SettlementWrite Result, ulong Seq)> TryOpenBatchAsync(
        IReadOnlyList<UInt128> payoutIds, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payoutIds);
        ArgumentNullException.ThrowIfNull(fence);
        if (!IsBatchable(payoutIds))
        {
            return (SettlementWrite.Conflict, 0);
        }

        ulong seq = 0;
        var outcome = await FencedAsync(fence, async (connection, transaction) =>
        {
            await using (var serialise = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, 0)", connection, transaction))
            {
                serialise.Parameters.Add(PostgresRows.Integer(AdvisoryLocks.PayoutBatchOpen));
                await serialise.ExecuteNonQueryAsync(cancellationToken);
            }

            // Read committed: this statement, taken after the lock, sees every batch opened before it.
            await using (var last = new NpgsqlCommand("SELECT coalesce(max(seq), 0) FROM payout_batches", connection, transaction))
            {
                seq = PostgresRows.UInt64((long)(await last.ExecuteScalarAsync(cancellationToken))!) + 1;
            }

            var ids = PostgresRows.IdArray([.. payoutIds]);

            // Compare-and-set on every payout at once: each must still be Pending and in no batch. A miss
            // leaves the transaction uncommitted, so nothing it changed stays.
            await using (var take = new NpgsqlCommand(
                "UPDATE payouts SET status = 1, batch_seq = $1, updated_at_ticks = $2 WHERE id = ANY($3) AND status = 0 AND batch_seq IS NULL",
                connection,
                transaction))
            {
                take.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(seq)));
                take.Parameters.Add(PostgresRows.BigInt(at.UtcTicks));
                take.Parameters.Add(ids);
                if (await take.ExecuteNonQueryAsync(cancellationToken) != payoutIds.Count)
                {
                    return SettlementWrite.Conflict;
                }
            }

            await using (var items = new NpgsqlCommand(
                "INSERT INTO payout_batch_items (seq, position, payout_id) SELECT $1, (i.n - 1)::integer, i.id FROM unnest($2::bytea[]) WITH ORDINALITY AS i (id, n)",
                connection,
                transaction))
            {
                items.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(seq)));
                items.Parameters.Add(PostgresRows.IdArray([.. payoutIds]));
                await items.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var insert = new NpgsqlCommand(
                $"INSERT INTO payout_batches ({PayoutBatchColumns}) VALUES ($1, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, $2, $3, $3)",
                connection,
                transaction);
            insert.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(seq)));
            insert.Parameters.Add(PostgresRows.BigInt(fence.Epoch));
            insert.Parameters.Add(PostgresRows.BigInt(at.UtcTicks));
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return SettlementWrite.Applied;
        }, cancellationToken);

        return outcome == SettlementWrite.Applied ? (outcome, seq) : (outcome, 0);
    }

    public async ValueTask<PayoutBatch?> GetBatchAsync(ulong seq, CancellationToken cancellationToken)
    {
        if (seq > long.MaxValue)
        {
            return null;
        }

        var found = await PayoutBatchesAsync("WHERE seq = $1", (long)seq, 1, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<PayoutBatch>> ListOpenBatchesAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PayoutPageMax);
        return await PayoutBatchesAsync("WHERE status < 3 AND $1 = $1 ORDER BY seq", 0, limit, cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordBatchSignedAsync(
        ulong seq, byte[]? replacedTxHash, SignedAnchor transaction, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return UpdateBatchAsync(
            """
            UPDATE payout_batches SET status = 1, tx_hash = $5, raw_tx = $6, tx_nonce = $7, attempts = attempts + 1, epoch = $3, updated_at_ticks = $4
            WHERE seq = $1 AND ((status = 0 AND $2::bytea IS NULL) OR (status = 1 AND tx_hash = $2))
            """,
            seq,
            replacedTxHash,
            at,
            fence,
            null,
            [PostgresRows.Bytea(transaction.TxHash), PostgresRows.Bytea(transaction.RawTx), PostgresRows.BigInt(PostgresRows.Int64(transaction.Nonce))],
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordBatchIncludedAsync(
        ulong seq, byte[] txHash, ulong blockNumber, byte[] blockHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        ArgumentNullException.ThrowIfNull(blockHash);
        return UpdateBatchAsync(
            """
            UPDATE payout_batches SET status = 2, block_number = $5, block_hash = $6, epoch = $3, updated_at_ticks = $4
            WHERE seq = $1 AND status = 1 AND tx_hash = $2
            """,
            seq,
            txHash,
            at,
            fence,
            null,
            [PostgresRows.BigInt(PostgresRows.Int64(blockNumber)), PostgresRows.Bytea(blockHash)],
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordBatchReorganisedAsync(ulong seq, byte[] txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        return UpdateBatchAsync(
            """
            UPDATE payout_batches SET status = 1, block_number = NULL, block_hash = NULL, epoch = $3, updated_at_ticks = $4
            WHERE seq = $1 AND status = 2 AND tx_hash = $2
            """,
            seq,
            txHash,
            at,
            fence,
            null,
            [],
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordBatchFinalAsync(ulong seq, byte[] txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        return UpdateBatchAsync(
            "UPDATE payout_batches SET status = 3, epoch = $3, updated_at_ticks = $4 WHERE seq = $1 AND status = 2 AND tx_hash = $2",
            seq,
            txHash,
            at,
            fence,
            (PayoutStatus.Confirmed, null),
            [],
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordBatchFailedAsync(ulong seq, string reason, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);

        // The block fields are kept only while Included or Final (PayoutBatch); the transaction's are kept.
        return UpdateBatchAsync(
            """
            UPDATE payout_batches SET status = 4, failure_reason = $5, block_number = NULL, block_hash = NULL, epoch = $3, updated_at_ticks = $4
            WHERE seq = $1 AND status IN (0, 1, 2) AND $2::bytea IS NULL
            """,
            seq,
            null,
            at,
            fence,
            (PayoutStatus.Failed, reason),
            [PostgresRows.Text(reason)],
            cancellationToken);
    }

    public async ValueTask DenyAddressAsync(DeniedAddress entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Address);
        ArgumentOutOfRangeException.ThrowIfZero(entry.Address.Length);
        ArgumentNullException.ThrowIfNull(entry.Reason);
        ArgumentNullException.ThrowIfNull(entry.Source);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO denied_addresses (address, reason, source, added_at_ticks) VALUES ($1, $2, $3, $4)
            ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, source = excluded.source, added_at_ticks = excluded.added_at_ticks
            """);
        command.Parameters.Add(PostgresRows.Bytea(entry.Address));
        command.Parameters.Add(PostgresRows.Text(entry.Reason));
        command.Parameters.Add(PostgresRows.Text(entry.Source));
        command.Parameters.Add(PostgresRows.BigInt(entry.AddedAt.UtcTicks));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<bool> TryFailPendingPayoutAsync(UInt128 id, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        await using var command = dataSource.CreateCommand(
            "UPDATE payouts SET status = 3, failure_reason = $2, updated_at_ticks = $3 WHERE id = $1 AND status = 0 AND batch_seq IS NULL");
        command.Parameters.Add(PostgresRows.Id(id));
        command.Parameters.Add(PostgresRows.Text(reason));
        command.Parameters.Add(PostgresRows.BigInt(at.UtcTicks));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> AllowAddressAsync(byte[] address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        await using var command = dataSource.CreateCommand("DELETE FROM denied_addresses WHERE address = $1");
        command.Parameters.Add(PostgresRows.Bytea(address));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<DeniedAddress?> FindDeniedAddressAsync(byte[] address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        await using var command = dataSource.CreateCommand("SELECT address, reason, source, added_at_ticks FROM denied_addresses WHERE address = $1");
        command.Parameters.Add(PostgresRows.Bytea(address));
        var found = await ReadAllAsync(command, ReadDeniedAddress, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<DeniedAddress>> ListDeniedAddressesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT address, reason, source, added_at_ticks FROM denied_addresses ORDER BY address");
        return await ReadAllAsync(command, ReadDeniedAddress, cancellationToken);
    }

    /// <summary>A new payout is Pending, in no batch, with a 20-byte destination; anything else is the caller's bug.</summary>
    private static void ValidateNewPayout(Payout payout)
    {
        ArgumentNullException.ThrowIfNull(payout);
        ArgumentNullException.ThrowIfNull(payout.Destination);
        if (payout.Destination.Length != PayoutDestinationBytes)
        {
            throw new ArgumentException($"A payout's destination is {PayoutDestinationBytes} bytes, not {payout.Destination.Length}.", nameof(payout));
        }

        if (payout.Status != PayoutStatus.Pending || payout.BatchSeq is not null || payout.FailureReason is not null)
        {
            throw new ArgumentException("A new payout is Pending, in no batch and without a failure reason.", nameof(payout));
        }

        if (!Enum.IsDefined(payout.Rail))
        {
            throw new ArgumentException($"Unknown payout rail {payout.Rail}.", nameof(payout));
        }
    }

    /// <summary>The payout as it reads back: times in UTC, exact to the tick.</summary>
    private static Payout Normalised(Payout payout) =>
        payout with { CreatedAt = At(payout.CreatedAt.UtcTicks), UpdatedAt = At(payout.UpdatedAt.UtcTicks) };

    /// <summary>One to <see cref="PayoutBatch.PayoutsMax"/> ids, no two alike.</summary>
    private static bool IsBatchable(IReadOnlyList<UInt128> payoutIds) =>
        payoutIds.Count is > 0 and <= PayoutBatch.PayoutsMax && payoutIds.Distinct().Count() == payoutIds.Count;

    /// <summary>
    /// A fenced compare-and-set on one batch (<paramref name="sql"/> updates at most its row; $1 seq, $2
    /// the expected hash, $3 epoch, $4 time, then <paramref name="more"/>); when it applies and
    /// <paramref name="cascade"/> is set, every payout of the batch moves to that status in the same
    /// transaction.
    /// </summary>
    private async ValueTask<SettlementWrite> UpdateBatchAsync(
        string sql,
        ulong seq,
        byte[]? expectedTxHash,
        DateTimeOffset at,
        SettlementFence fence,
        (PayoutStatus Status, string? Reason)? cascade,
        NpgsqlParameter[] more,
        CancellationToken cancellationToken)
    {
        if (seq is 0 or > long.MaxValue)
        {
            return SettlementWrite.Conflict;
        }

        return await FencedAsync(fence, async (connection, transaction) =>
        {
            await using (var command = new NpgsqlCommand(sql, connection, transaction))
            {
                command.Parameters.Add(PostgresRows.BigInt((long)seq));
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)expectedTxHash ?? DBNull.Value });
                command.Parameters.Add(PostgresRows.BigInt(fence.Epoch));
                command.Parameters.Add(PostgresRows.BigInt(at.UtcTicks));
                command.Parameters.AddRange(more);
                if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
                {
                    return SettlementWrite.Conflict;
                }
            }

            if (cascade is { } to)
            {
                await CascadeToPayoutsAsync(connection, transaction, (long)seq, to.Status, to.Reason, at, cancellationToken);
            }

            return SettlementWrite.Applied;
        }, cancellationToken);
    }

    /// <summary>Moves every payout of the batch from Submitted to <paramref name="status"/>; each item must be one of them.</summary>
    private static async Task CascadeToPayoutsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long seq, PayoutStatus status, string? reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand(
            """
            WITH moved AS (
                UPDATE payouts SET status = $2, failure_reason = $3, updated_at_ticks = $4 WHERE batch_seq = $1 AND status = 1 RETURNING 1)
            SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM payout_batch_items WHERE seq = $1)
            """,
            connection,
            transaction);
        update.Parameters.Add(PostgresRows.BigInt(seq));
        update.Parameters.Add(PostgresRows.SmallInt((short)status));
        update.Parameters.Add(NullableText(reason));
        update.Parameters.Add(PostgresRows.BigInt(at.UtcTicks));
        long moved, items;
        await using (var reader = await update.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (moved, items) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        // Opening a batch makes each of its payouts Submitted, and only this cascade moves them on; a
        // batch leaves Included or Open for Final or Failed once. Anything else is a bug: stop, roll back.
        if (moved != items)
        {
            throw new InvalidOperationException($"Payout batch {seq} has {items} payouts but {moved} were Submitted in it.");
        }
    }

    private async Task<IReadOnlyList<PayoutBatch>> PayoutBatchesAsync(string where, long argument, int limit, CancellationToken cancellationToken)
    {
        // The batches and their items in one statement, so both come from the same snapshot.
        await using var command = dataSource.CreateCommand($"""
            WITH b AS (SELECT {PayoutBatchColumns} FROM payout_batches {where} LIMIT $2)
            SELECT b.*, i.payout_id FROM b
            LEFT JOIN payout_batch_items i ON i.seq = b.seq
            ORDER BY b.seq, i.position
            """);
        command.Parameters.Add(PostgresRows.BigInt(argument));
        command.Parameters.Add(PostgresRows.Integer(limit));
        var batches = new List<PayoutBatch>();
        List<UInt128>? items = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var seq = PostgresRows.UInt64(reader.GetInt64(0));
            if (batches.Count == 0 || batches[^1].Seq != seq)
            {
                items = [];
                batches.Add(new PayoutBatch(
                    seq,
                    items,
                    (PayoutBatchStatus)reader.GetInt16(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3),
                    reader.IsDBNull(4) ? null : PostgresRows.UInt64(reader.GetInt64(4)),
                    reader.IsDBNull(5) ? null : PostgresRows.UInt64(reader.GetInt64(5)),
                    reader.IsDBNull(6) ? null : reader.GetFieldValue<byte[]>(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.GetInt32(8),
                    reader.GetInt64(9),
                    At(reader.GetInt64(10)),
                    At(reader.GetInt64(11))));
            }

            if (!reader.IsDBNull(12))
            {
                items!.Add(Id(reader, 12));
            }
        }

        return batches;
    }

    private static Payout ReadPayout(NpgsqlDataReader reader) => new(
        Id(reader, 0),
        Id(reader, 1),
        Id(reader, 2),
        Id(reader, 3),
        checked((uint)reader.GetInt64(4)),
        Id(reader, 5),
        Id(reader, 6),
        (PayoutRail)reader.GetInt16(7),
        reader.GetFieldValue<byte[]>(8),
        Id(reader, 9),
        (PayoutStatus)reader.GetInt16(10),
        reader.IsDBNull(11) ? null : PostgresRows.UInt64(reader.GetInt64(11)),
        reader.IsDBNull(12) ? null : reader.GetString(12),
        At(reader.GetInt64(13)),
        At(reader.GetInt64(14)));

    private static DeniedAddress ReadDeniedAddress(NpgsqlDataReader reader) =>
        new(reader.GetFieldValue<byte[]>(0), reader.GetString(1), reader.GetString(2), At(reader.GetInt64(3)));
}
