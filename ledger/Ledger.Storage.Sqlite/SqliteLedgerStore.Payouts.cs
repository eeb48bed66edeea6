using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Microsoft.Data.Sqlite;

namespace Ledger.Storage.Sqlite;

/// <summary>
/// Payouts, their batches and the deny list. Every batch write is one immediate transaction that first
/// checks the leader's lease (<see cref="FencedAsync"/>, as for settlements), then the stored state in
/// the UPDATE's WHERE, then writes; BEGIN IMMEDIATE takes the file's write lock before the first read,
/// so batch openings are serialised and each sees every payout an earlier one took.
/// </summary>
public sealed partial class SqliteLedgerStore : IPayoutStore
{
    /// <summary>The most rows one payout listing returns.</summary>
    private const int PayoutPageMax = 1000;

    /// <summary>A payout's destination on the rail: a 20-byte address.</summary>
    private const int PayoutDestinationBytes = 20;

    private const string PayoutColumns =
        "id, participant_id, account_id, clearing_account_id, ledger, amount, token_amount, rail, destination, hold_transfer_id, " +
        "status, batch_seq, failure_reason, created_at, updated_at";

    private const string PayoutBatchColumns =
        "seq, status, tx_hash, raw_tx, tx_nonce, block_number, block_hash, failure_reason, attempts, epoch, created_at, updated_at";

    public async ValueTask<(PayoutCreation Result, Payout Payout)> TryAddPayoutAsync(Payout payout, CancellationToken cancellationToken)
    {
        ValidateNewPayout(payout);
        await using var connection = await OpenWriterAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        await using (var insert = NewCommand(connection, transaction, $"""
            INSERT INTO payouts ({PayoutColumns})
            VALUES ($id, $participant, $account, $clearing, $ledger, $amount, $tokenAmount, $rail, $destination, $hold, 0, NULL, NULL, $createdAt, $updatedAt)
            ON CONFLICT (id) DO NOTHING
            """))
        {
            insert.Parameters.AddWithValue("$id", Blob.From(payout.Id));
            insert.Parameters.AddWithValue("$participant", Blob.From(payout.ParticipantId));
            insert.Parameters.AddWithValue("$account", Blob.From(payout.AccountId));
            insert.Parameters.AddWithValue("$clearing", Blob.From(payout.ClearingAccountId));
            insert.Parameters.AddWithValue("$ledger", (long)payout.Ledger);
            insert.Parameters.AddWithValue("$amount", Blob.From(payout.Amount));
            insert.Parameters.AddWithValue("$tokenAmount", Blob.From(payout.TokenAmount));
            insert.Parameters.AddWithValue("$rail", (long)payout.Rail);
            insert.Parameters.AddWithValue("$destination", payout.Destination);
            insert.Parameters.AddWithValue("$hold", Blob.From(payout.HoldTransferId));
            insert.Parameters.AddWithValue("$createdAt", payout.CreatedAt.UtcTicks);
            insert.Parameters.AddWithValue("$updatedAt", payout.UpdatedAt.UtcTicks);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                transaction.Commit();
                return (PayoutCreation.Created, Normalised(payout));
            }
        }

        var stored = await ReadPayoutsAsync(connection, transaction, "WHERE id = $a", Blob.From(payout.Id), 1, cancellationToken);
        return (PayoutCreation.Exists, stored[0]);
    }

    public async ValueTask<Payout?> GetPayoutAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        var found = await ReadPayoutsAsync(connection, null, "WHERE id = $a", Blob.From(id), 1, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<Payout>> ListPayoutsAsync(UInt128? participantId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PayoutPageMax);
        await using var connection = await OpenReaderAsync(cancellationToken);
        return participantId is { } participant
            ? await ReadPayoutsAsync(connection, null, "WHERE participant_id = $a ORDER BY created_at DESC, id DESC", Blob.From(participant), limit, cancellationToken)
            : await ReadPayoutsAsync(connection, null, "WHERE $a IS NULL ORDER BY created_at DESC, id DESC", null, limit, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Payout>> ListPendingPayoutsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PayoutPageMax);
        await using var connection = await OpenReaderAsync(cancellationToken);

        // status = 0 implies no batch (the table's CHECK); the text matches the partial index's WHERE.
        return await ReadPayoutsAsync(connection, null, "WHERE status = 0 AND $a IS NULL ORDER BY created_at, id", null, limit, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Payout>> ListFailedPayoutsAsync(DateTimeOffset updatedSince, UInt128? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PayoutPageMax);
        await using var connection = await OpenReaderAsync(cancellationToken);

        // Both forms are a range scan of payouts_failed (status = 3, then updated_at and id in order).
        await using var command = NewCommand(connection, null, afterId is null
            ? $"SELECT {PayoutColumns} FROM payouts WHERE status = 3 AND updated_at >= $since ORDER BY updated_at, id LIMIT $limit"
            : $"SELECT {PayoutColumns} FROM payouts WHERE status = 3 AND (updated_at, id) > ($since, $after) ORDER BY updated_at, id LIMIT $limit");
        command.Parameters.AddWithValue("$since", updatedSince.UtcTicks);
        if (afterId is { } after)
        {
            command.Parameters.AddWithValue("$after", Blob.From(after));
        }

        command.Parameters.AddWithValue("$limit", (long)limit);
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
        var outcome = await FencedAsync(fence, (connection, transaction) =>
        {
            using (var last = NewCommand(connection, transaction, "SELECT coalesce(max(seq), 0) FROM payout_batches"))
            {
                seq = Blob.ToUInt64((long)last.ExecuteScalar()!) + 1;
            }

            // Compare-and-set per payout: each must still be Pending and in no batch. A miss leaves the
            // transaction uncommitted, so the payouts taken before it are rolled back with it.
            using (var take = NewCommand(
                connection,
                transaction,
                "UPDATE payouts SET status = 1, batch_seq = $seq, updated_at = $at WHERE id = $id AND status = 0 AND batch_seq IS NULL"))
            using (var item = NewCommand(connection, transaction, "INSERT INTO payout_batch_items (seq, position, payout_id) VALUES ($seq, $position, $id)"))
            {
                take.Parameters.AddWithValue("$seq", Blob.From(seq));
                take.Parameters.AddWithValue("$at", at.UtcTicks);
                var takeId = take.Parameters.Add("$id", SqliteType.Blob);
                item.Parameters.AddWithValue("$seq", Blob.From(seq));
                var position = item.Parameters.Add("$position", SqliteType.Integer);
                var itemId = item.Parameters.Add("$id", SqliteType.Blob);
                for (var i = 0; i < payoutIds.Count; i++)
                {
                    var id = Blob.From(payoutIds[i]);
                    takeId.Value = id;
                    if (take.ExecuteNonQuery() != 1)
                    {
                        return SettlementWrite.Conflict;
                    }

                    position.Value = (long)i;
                    itemId.Value = id;
                    item.ExecuteNonQuery();
                }
            }

            using var insert = NewCommand(connection, transaction, $"""
                INSERT INTO payout_batches ({PayoutBatchColumns})
                VALUES ($seq, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, $epoch, $at, $at)
                """);
            insert.Parameters.AddWithValue("$seq", Blob.From(seq));
            insert.Parameters.AddWithValue("$epoch", fence.Epoch);
            insert.Parameters.AddWithValue("$at", at.UtcTicks);
            insert.ExecuteNonQuery();
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

        var found = await PayoutBatchesAsync("WHERE seq = $a", (long)seq, 1, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<PayoutBatch>> ListOpenBatchesAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PayoutPageMax);
        return await PayoutBatchesAsync("WHERE status < 3 AND $a IS NULL ORDER BY seq", null, limit, cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordBatchSignedAsync(
        ulong seq, byte[]? replacedTxHash, SignedAnchor transaction, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return UpdateBatchAsync(
            """
            UPDATE payout_batches SET status = 1, tx_hash = $hash, raw_tx = $raw, tx_nonce = $nonce, attempts = attempts + 1, epoch = $epoch, updated_at = $at
            WHERE seq = $seq AND ((status = 0 AND $expected IS NULL) OR (status = 1 AND tx_hash = $expected))
            """,
            seq,
            replacedTxHash,
            at,
            fence,
            null,
            command =>
            {
                command.Parameters.AddWithValue("$hash", transaction.TxHash);
                command.Parameters.AddWithValue("$raw", transaction.RawTx);
                command.Parameters.AddWithValue("$nonce", Blob.From(transaction.Nonce));
            },
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordBatchIncludedAsync(
        ulong seq, byte[] txHash, ulong blockNumber, byte[] blockHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        ArgumentNullException.ThrowIfNull(blockHash);
        return UpdateBatchAsync(
            """
            UPDATE payout_batches SET status = 2, block_number = $block, block_hash = $blockHash, epoch = $epoch, updated_at = $at
            WHERE seq = $seq AND status = 1 AND tx_hash = $expected
            """,
            seq,
            txHash,
            at,
            fence,
            null,
            command =>
            {
                command.Parameters.AddWithValue("$block", Blob.From(blockNumber));
                command.Parameters.AddWithValue("$blockHash", blockHash);
            },
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordBatchReorganisedAsync(ulong seq, byte[] txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        return UpdateBatchAsync(
            """
            UPDATE payout_batches SET status = 1, block_number = NULL, block_hash = NULL, epoch = $epoch, updated_at = $at
            WHERE seq = $seq AND status = 2 AND tx_hash = $expected
            """,
            seq,
            txHash,
            at,
            fence,
            null,
            static _ => { },
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordBatchFinalAsync(ulong seq, byte[] txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        return UpdateBatchAsync(
            "UPDATE payout_batches SET status = 3, epoch = $epoch, updated_at = $at WHERE seq = $seq AND status = 2 AND tx_hash = $expected",
            seq,
            txHash,
            at,
            fence,
            (PayoutStatus.Confirmed, null),
            static _ => { },
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordBatchFailedAsync(ulong seq, string reason, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);

        // The block fields are kept only while Included or Final (PayoutBatch); the transaction's are kept.
        return UpdateBatchAsync(
            """
            UPDATE payout_batches SET status = 4, failure_reason = $reason, block_number = NULL, block_hash = NULL, epoch = $epoch, updated_at = $at
            WHERE seq = $seq AND status IN (0, 1, 2) AND $expected IS NULL
            """,
            seq,
            null,
            at,
            fence,
            (PayoutStatus.Failed, reason),
            command => command.Parameters.AddWithValue("$reason", reason),
            cancellationToken);
    }

    public async ValueTask DenyAddressAsync(DeniedAddress entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Address);
        ArgumentOutOfRangeException.ThrowIfZero(entry.Address.Length);
        ArgumentNullException.ThrowIfNull(entry.Reason);
        ArgumentNullException.ThrowIfNull(entry.Source);
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = NewCommand(connection, null, """
            INSERT INTO denied_addresses (address, reason, source, added_at) VALUES ($address, $reason, $source, $at)
            ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, source = excluded.source, added_at = excluded.added_at
            """);
        command.Parameters.AddWithValue("$address", entry.Address);
        command.Parameters.AddWithValue("$reason", entry.Reason);
        command.Parameters.AddWithValue("$source", entry.Source);
        command.Parameters.AddWithValue("$at", entry.AddedAt.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<bool> TryFailPendingPayoutAsync(UInt128 id, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = NewCommand(
            connection,
            null,
            "UPDATE payouts SET status = 3, failure_reason = $reason, updated_at = $at WHERE id = $id AND status = 0 AND batch_seq IS NULL");
        command.Parameters.AddWithValue("$id", Blob.From(id));
        command.Parameters.AddWithValue("$reason", reason);
        command.Parameters.AddWithValue("$at", at.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> AllowAddressAsync(byte[] address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = NewCommand(connection, null, "DELETE FROM denied_addresses WHERE address = $address");
        command.Parameters.AddWithValue("$address", address);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<DeniedAddress?> FindDeniedAddressAsync(byte[] address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = NewCommand(connection, null, "SELECT address, reason, source, added_at FROM denied_addresses WHERE address = $address");
        command.Parameters.AddWithValue("$address", address);
        var found = await ReadAllAsync(command, ReadDeniedAddress, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<DeniedAddress>> ListDeniedAddressesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = NewCommand(connection, null, "SELECT address, reason, source, added_at FROM denied_addresses ORDER BY address");
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
    /// A fenced compare-and-set on one batch (<paramref name="sql"/> updates at most its row); when it
    /// applies and <paramref name="cascade"/> is set, every payout of the batch moves to that status in the
    /// same transaction.
    /// </summary>
    private async ValueTask<SettlementWrite> UpdateBatchAsync(
        string sql,
        ulong seq,
        byte[]? expectedTxHash,
        DateTimeOffset at,
        SettlementFence fence,
        (PayoutStatus Status, string? Reason)? cascade,
        Action<SqliteCommand> bind,
        CancellationToken cancellationToken)
    {
        if (seq is 0 or > long.MaxValue)
        {
            return SettlementWrite.Conflict;
        }

        return await FencedAsync(fence, (connection, transaction) =>
        {
            using (var command = NewCommand(connection, transaction, sql))
            {
                command.Parameters.AddWithValue("$seq", (long)seq);
                command.Parameters.AddWithValue("$expected", (object?)expectedTxHash ?? DBNull.Value);
                command.Parameters.AddWithValue("$epoch", fence.Epoch);
                command.Parameters.AddWithValue("$at", at.UtcTicks);
                bind(command);
                if (command.ExecuteNonQuery() != 1)
                {
                    return SettlementWrite.Conflict;
                }
            }

            if (cascade is { } to)
            {
                CascadeToPayouts(connection, transaction, (long)seq, to.Status, to.Reason, at);
            }

            return SettlementWrite.Applied;
        }, cancellationToken);
    }

    /// <summary>Moves every payout of the batch from Submitted to <paramref name="status"/>; each item must be one of them.</summary>
    private static void CascadeToPayouts(SqliteConnection connection, SqliteTransaction transaction, long seq, PayoutStatus status, string? reason, DateTimeOffset at)
    {
        long items;
        using (var count = NewCommand(connection, transaction, "SELECT count(*) FROM payout_batch_items WHERE seq = $seq"))
        {
            count.Parameters.AddWithValue("$seq", seq);
            items = (long)count.ExecuteScalar()!;
        }

        using var update = NewCommand(
            connection,
            transaction,
            "UPDATE payouts SET status = $status, failure_reason = $reason, updated_at = $at WHERE batch_seq = $seq AND status = 1");
        update.Parameters.AddWithValue("$status", (long)status);
        update.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
        update.Parameters.AddWithValue("$at", at.UtcTicks);
        update.Parameters.AddWithValue("$seq", seq);
        var moved = update.ExecuteNonQuery();

        // Opening a batch makes each of its payouts Submitted, and only this cascade moves them on; a
        // batch leaves Included or Open for Final or Failed once. Anything else is a bug: stop, roll back.
        if (moved != items)
        {
            throw new InvalidOperationException($"Payout batch {seq} has {items} payouts but {moved} were Submitted in it.");
        }
    }

    private static async Task<List<Payout>> ReadPayoutsAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string where, object? argument, int limit, CancellationToken cancellationToken)
    {
        await using var command = NewCommand(connection, transaction, $"SELECT {PayoutColumns} FROM payouts {where} LIMIT $limit");
        command.Parameters.AddWithValue("$a", argument ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", (long)limit);
        return await ReadAllAsync(command, ReadPayout, cancellationToken);
    }

    private static Payout ReadPayout(SqliteDataReader reader) => new(
        Blob.ToUInt128((byte[])reader[0]),
        Blob.ToUInt128((byte[])reader[1]),
        Blob.ToUInt128((byte[])reader[2]),
        Blob.ToUInt128((byte[])reader[3]),
        checked((uint)reader.GetInt64(4)),
        Blob.ToUInt128((byte[])reader[5]),
        Blob.ToUInt128((byte[])reader[6]),
        (PayoutRail)reader.GetInt64(7),
        (byte[])reader[8],
        Blob.ToUInt128((byte[])reader[9]),
        (PayoutStatus)reader.GetInt64(10),
        reader.IsDBNull(11) ? null : Blob.ToUInt64(reader.GetInt64(11)),
        reader.IsDBNull(12) ? null : reader.GetString(12),
        At(reader.GetInt64(13)),
        At(reader.GetInt64(14)));

    private async Task<IReadOnlyList<PayoutBatch>> PayoutBatchesAsync(string where, object? argument, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);

        // One read transaction, so the batches and their items come from the same snapshot.
        using var transaction = connection.BeginTransaction(deferred: true);
        await using var command = NewCommand(connection, transaction, $"SELECT {PayoutBatchColumns} FROM payout_batches {where} LIMIT $limit");
        command.Parameters.AddWithValue("$a", argument ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", (long)limit);
        var rows = await ReadAllAsync(command, static reader => new PayoutBatch(
            Blob.ToUInt64(reader.GetInt64(0)),
            [],
            (PayoutBatchStatus)reader.GetInt64(1),
            reader.IsDBNull(2) ? null : (byte[])reader[2],
            reader.IsDBNull(3) ? null : (byte[])reader[3],
            reader.IsDBNull(4) ? null : Blob.ToUInt64(reader.GetInt64(4)),
            reader.IsDBNull(5) ? null : Blob.ToUInt64(reader.GetInt64(5)),
            reader.IsDBNull(6) ? null : (byte[])reader[6],
            reader.IsDBNull(7) ? null : reader.GetString(7),
            checked((int)reader.GetInt64(8)),
            reader.GetInt64(9),
            At(reader.GetInt64(10)),
            At(reader.GetInt64(11))), cancellationToken);
        if (rows.Count == 0)
        {
            return rows;
        }

        var items = rows.ToDictionary(static b => b.Seq, static _ => new List<UInt128>());
        await using (var read = NewCommand(
            connection,
            transaction,
            "SELECT seq, payout_id FROM payout_batch_items WHERE seq BETWEEN $low AND $high ORDER BY seq, position"))
        {
            read.Parameters.AddWithValue("$low", Blob.From(rows.Min(static b => b.Seq)));
            read.Parameters.AddWithValue("$high", Blob.From(rows.Max(static b => b.Seq)));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (items.TryGetValue(Blob.ToUInt64(reader.GetInt64(0)), out var list))
                {
                    list.Add(Blob.ToUInt128((byte[])reader[1]));
                }
            }
        }

        return [.. rows.Select(b => b with { PayoutIds = items[b.Seq] })];
    }

    private static DeniedAddress ReadDeniedAddress(SqliteDataReader reader) =>
        new((byte[])reader[0], reader.GetString(1), reader.GetString(2), At(reader.GetInt64(3)));
}
