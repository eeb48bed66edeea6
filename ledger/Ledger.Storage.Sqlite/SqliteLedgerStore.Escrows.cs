using Ledger.Core.Escrows;
using Ledger.Core.Settlement;
using Microsoft.Data.Sqlite;

namespace Ledger.Storage.Sqlite;

/// <summary>
/// Escrows, their chain event cursor and the last reconciliation report. Every status change is one
/// statement whose WHERE compares the stored status (and transaction hash); the silo's writes run in one
/// immediate transaction that first checks the leader's lease (<see cref="FencedAsync"/>, as for
/// settlements and payout batches). The API's writes (record, fail an opening, ask for a release or
/// refund) are compare-and-set only.
/// </summary>
public sealed partial class SqliteLedgerStore : IEscrowStore
{
    /// <summary>The most rows one escrow listing returns.</summary>
    private const int EscrowPageMax = 1000;

    private const string EscrowColumns =
        "id, participant_id, funding, account_id, escrow_account_id, ledger, amount, token_amount, payer, payee, arbiter, deadline, " +
        "permit_deadline, permit_v, permit_r, permit_s, status, failure_reason, tx_kind, tx_hash, raw_tx, tx_nonce, attempts, " +
        "opened_block, closed_block, closed_tx_hash, created_at, updated_at";

    public async ValueTask<(EscrowCreation Result, Escrow Escrow)> TryAddEscrowAsync(Escrow escrow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escrow);
        escrow.ValidateNew();
        await using var connection = await OpenWriterAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        await using (var insert = NewCommand(connection, transaction, $"""
            INSERT INTO escrows ({EscrowColumns})
            VALUES ($id, $participant, $funding, $account, $escrowAccount, $ledger, $amount, $tokenAmount, $payer, $payee, $arbiter, $deadline,
                $permitDeadline, $permitV, $permitR, $permitS, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, $createdAt, $updatedAt)
            ON CONFLICT (id) DO NOTHING
            """))
        {
            var permit = escrow.Permit;
            insert.Parameters.AddWithValue("$id", Blob.From(escrow.Id));
            insert.Parameters.AddWithValue("$participant", Blob.From(escrow.ParticipantId));
            insert.Parameters.AddWithValue("$funding", (long)escrow.Funding);
            insert.Parameters.AddWithValue("$account", Blob.From(escrow.AccountId));
            insert.Parameters.AddWithValue("$escrowAccount", Blob.From(escrow.EscrowAccountId));
            insert.Parameters.AddWithValue("$ledger", (long)escrow.Ledger);
            insert.Parameters.AddWithValue("$amount", Blob.From(escrow.Amount));
            insert.Parameters.AddWithValue("$tokenAmount", Blob.From(escrow.TokenAmount));
            insert.Parameters.AddWithValue("$payer", escrow.Payer);
            insert.Parameters.AddWithValue("$payee", escrow.Payee);
            insert.Parameters.AddWithValue("$arbiter", escrow.Arbiter);
            insert.Parameters.AddWithValue("$deadline", escrow.Deadline.ToUnixTimeSeconds());
            insert.Parameters.AddWithValue("$permitDeadline", permit is null ? DBNull.Value : Blob.From(permit.Deadline));
            insert.Parameters.AddWithValue("$permitV", permit is null ? DBNull.Value : (long)permit.V);
            insert.Parameters.AddWithValue("$permitR", (object?)permit?.R ?? DBNull.Value);
            insert.Parameters.AddWithValue("$permitS", (object?)permit?.S ?? DBNull.Value);
            insert.Parameters.AddWithValue("$createdAt", escrow.CreatedAt.UtcTicks);
            insert.Parameters.AddWithValue("$updatedAt", escrow.UpdatedAt.UtcTicks);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                transaction.Commit();
                return (EscrowCreation.Created, Normalised(escrow));
            }
        }

        var stored = await ReadEscrowsAsync(connection, transaction, "WHERE id = $a", Blob.From(escrow.Id), 1, cancellationToken);
        return (EscrowCreation.Exists, stored[0]);
    }

    public async ValueTask<Escrow?> GetEscrowAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        var found = await ReadEscrowsAsync(connection, null, "WHERE id = $a", Blob.From(id), 1, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<IReadOnlyList<Escrow>> ListActiveEscrowsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, EscrowPageMax);
        await using var connection = await OpenReaderAsync(cancellationToken);

        // The text matches the partial index's WHERE.
        return await ReadEscrowsAsync(connection, null, "WHERE status <= 3 AND $a IS NULL ORDER BY created_at, id", null, limit, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Escrow>> ListEscrowsAsync(UInt128? participantId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, EscrowPageMax);
        await using var connection = await OpenReaderAsync(cancellationToken);
        return participantId is { } participant
            ? await ReadEscrowsAsync(connection, null, "WHERE participant_id = $a ORDER BY created_at DESC, id DESC", Blob.From(participant), limit, cancellationToken)
            : await ReadEscrowsAsync(connection, null, "WHERE $a IS NULL ORDER BY created_at DESC, id DESC", null, limit, cancellationToken);
    }

    public async ValueTask<bool> TryFailOpeningAsync(UInt128 id, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = NewCommand(
            connection,
            null,
            "UPDATE escrows SET status = 6, failure_reason = $reason, updated_at = $at WHERE id = $id AND status = 0 AND tx_hash IS NULL");
        command.Parameters.AddWithValue("$id", Blob.From(id));
        command.Parameters.AddWithValue("$reason", reason);
        command.Parameters.AddWithValue("$at", at.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> TryRequestActionAsync(UInt128 id, EscrowStatus to, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (to is not (EscrowStatus.Releasing or EscrowStatus.Refunding))
        {
            throw new ArgumentOutOfRangeException(nameof(to), $"An Open escrow is asked to be Releasing or Refunding, not {to}.");
        }

        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = NewCommand(connection, null, """
            UPDATE escrows SET status = $to, failure_reason = NULL, tx_kind = NULL, tx_hash = NULL, raw_tx = NULL, tx_nonce = NULL, attempts = 0, updated_at = $at
            WHERE id = $id AND status = 1
            """);
        command.Parameters.AddWithValue("$id", Blob.From(id));
        command.Parameters.AddWithValue("$to", (long)to);
        command.Parameters.AddWithValue("$at", at.UtcTicks);
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

        var nonce = Blob.From(transaction.Nonce);
        return await FencedAsync(fence, (connection, sqlTransaction) =>
        {
            using var command = NewCommand(connection, sqlTransaction, """
                UPDATE escrows SET tx_kind = $kind, tx_hash = $hash, raw_tx = $raw, tx_nonce = $nonce, attempts = attempts + 1, updated_at = $at
                WHERE id = $id AND status = $expected AND ((tx_hash IS NULL AND $replaced IS NULL) OR tx_hash = $replaced)
                """);
            command.Parameters.AddWithValue("$id", Blob.From(id));
            command.Parameters.AddWithValue("$expected", (long)expected);
            command.Parameters.AddWithValue("$replaced", (object?)replacedTxHash ?? DBNull.Value);
            command.Parameters.AddWithValue("$kind", (long)kind);
            command.Parameters.AddWithValue("$hash", transaction.TxHash);
            command.Parameters.AddWithValue("$raw", transaction.RawTx);
            command.Parameters.AddWithValue("$nonce", nonce);
            command.Parameters.AddWithValue("$at", at.UtcTicks);
            return command.ExecuteNonQuery() == 1 ? SettlementWrite.Applied : SettlementWrite.Conflict;
        }, cancellationToken);
    }

    public async ValueTask<SettlementWrite> TryAdvanceEscrowAsync(
        UInt128 id, EscrowStatus from, EscrowStatus to, string? reason, ulong? block, byte[]? txHash, DateTimeOffset at, SettlementFence fence, CancellationToken cancellationToken)
    {
        EscrowTransitions.Validate(from, to, reason, block, txHash);
        var assignments = (from, to) switch
        {
            (EscrowStatus.Opening, EscrowStatus.Open) => ", opened_block = $block",
            (_, EscrowStatus.Open) => ", tx_kind = NULL, tx_hash = NULL, raw_tx = NULL, tx_nonce = NULL, attempts = 0",
            (_, EscrowStatus.Released or EscrowStatus.Refunded) => ", closed_block = $block, closed_tx_hash = $hash",
            _ => string.Empty,
        };
        return await FencedAsync(fence, (connection, transaction) =>
        {
            using var command = NewCommand(
                connection,
                transaction,
                $"UPDATE escrows SET status = $to, failure_reason = $reason{assignments}, updated_at = $at WHERE id = $id AND status = $from");
            command.Parameters.AddWithValue("$id", Blob.From(id));
            command.Parameters.AddWithValue("$from", (long)from);
            command.Parameters.AddWithValue("$to", (long)to);
            command.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
            command.Parameters.AddWithValue("$block", block is { } b ? Blob.From(b) : DBNull.Value);
            command.Parameters.AddWithValue("$hash", (object?)txHash ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", at.UtcTicks);
            return command.ExecuteNonQuery() == 1 ? SettlementWrite.Applied : SettlementWrite.Conflict;
        }, cancellationToken);
    }

    public async ValueTask<ulong?> GetEscrowCursorAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = NewCommand(connection, null, "SELECT block_number FROM escrow_cursor WHERE singleton = 1");
        return await command.ExecuteScalarAsync(cancellationToken) is long block ? Blob.ToUInt64(block) : null;
    }

    public async ValueTask<SettlementWrite> TrySetEscrowCursorAsync(ulong? expected, ulong next, SettlementFence fence, CancellationToken cancellationToken)
    {
        var nextValue = Blob.From(next);
        if (expected > long.MaxValue)
        {
            return SettlementWrite.Conflict;
        }

        return await FencedAsync(fence, (connection, transaction) =>
        {
            using var command = NewCommand(
                connection,
                transaction,
                expected is null
                    ? "INSERT INTO escrow_cursor (singleton, block_number) VALUES (1, $next) ON CONFLICT (singleton) DO NOTHING"
                    : "UPDATE escrow_cursor SET block_number = $next WHERE singleton = 1 AND block_number = $expected");
            command.Parameters.AddWithValue("$next", nextValue);
            command.Parameters.AddWithValue("$expected", expected is { } e ? (long)e : DBNull.Value);
            return command.ExecuteNonQuery() == 1 ? SettlementWrite.Applied : SettlementWrite.Conflict;
        }, cancellationToken);
    }

    public async ValueTask<SettlementWrite> RecordReconciliationAsync(ReconciliationReport report, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Validate();
        return await FencedAsync(fence, (connection, transaction) =>
        {
            using (var clear = NewCommand(connection, transaction, "DELETE FROM reconciliation_mismatches"))
            {
                clear.ExecuteNonQuery();
            }

            using (var upsert = NewCommand(connection, transaction, """
                INSERT INTO reconciliation_report (singleton, checked_at, block_number, escrows_checked, payouts_checked)
                VALUES (1, $checkedAt, $block, $escrows, $payouts)
                ON CONFLICT (singleton) DO UPDATE SET checked_at = excluded.checked_at, block_number = excluded.block_number,
                    escrows_checked = excluded.escrows_checked, payouts_checked = excluded.payouts_checked
                """))
            {
                upsert.Parameters.AddWithValue("$checkedAt", report.CheckedAt.UtcTicks);
                upsert.Parameters.AddWithValue("$block", Blob.From(report.BlockNumber));
                upsert.Parameters.AddWithValue("$escrows", (long)report.EscrowsChecked);
                upsert.Parameters.AddWithValue("$payouts", (long)report.PayoutsChecked);
                upsert.ExecuteNonQuery();
            }

            using var insert = NewCommand(
                connection,
                transaction,
                "INSERT INTO reconciliation_mismatches (position, subject, subject_id, kind, detail) VALUES ($position, $subject, $id, $kind, $detail)");
            var position = insert.Parameters.Add("$position", SqliteType.Integer);
            var subject = insert.Parameters.Add("$subject", SqliteType.Text);
            var subjectId = insert.Parameters.Add("$id", SqliteType.Blob);
            var kind = insert.Parameters.Add("$kind", SqliteType.Text);
            var detail = insert.Parameters.Add("$detail", SqliteType.Text);
            for (var i = 0; i < report.Mismatches.Count; i++)
            {
                var mismatch = report.Mismatches[i];
                position.Value = (long)i;
                subject.Value = mismatch.Subject;
                subjectId.Value = mismatch.Id is { } value ? Blob.From(value) : DBNull.Value;
                kind.Value = mismatch.Kind;
                detail.Value = mismatch.Detail;
                insert.ExecuteNonQuery();
            }

            return SettlementWrite.Applied;
        }, cancellationToken);
    }

    public async ValueTask<ReconciliationReport?> GetReconciliationAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);

        // One read transaction, so the report and its mismatches come from the same snapshot.
        using var transaction = connection.BeginTransaction(deferred: true);
        await using var header = NewCommand(
            connection,
            transaction,
            "SELECT checked_at, block_number, escrows_checked, payouts_checked FROM reconciliation_report WHERE singleton = 1");
        var reports = await ReadAllAsync(header, static reader => new ReconciliationReport(
            At(reader.GetInt64(0)),
            Blob.ToUInt64(reader.GetInt64(1)),
            checked((int)reader.GetInt64(2)),
            checked((int)reader.GetInt64(3)),
            []), cancellationToken);
        if (reports.Count == 0)
        {
            return null;
        }

        await using var items = NewCommand(connection, transaction, "SELECT subject, subject_id, kind, detail FROM reconciliation_mismatches ORDER BY position");
        var mismatches = await ReadAllAsync(items, static reader => new ReconciliationMismatch(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : Blob.ToUInt128((byte[])reader[1]),
            reader.GetString(2),
            reader.GetString(3)), cancellationToken);
        return reports[0] with { Mismatches = mismatches };
    }

    /// <summary>The escrow as it reads back: times in UTC, exact to the tick (the deadline to the second).</summary>
    private static Escrow Normalised(Escrow escrow) => escrow with
    {
        Deadline = DateTimeOffset.FromUnixTimeSeconds(escrow.Deadline.ToUnixTimeSeconds()),
        CreatedAt = At(escrow.CreatedAt.UtcTicks),
        UpdatedAt = At(escrow.UpdatedAt.UtcTicks),
    };

    private static async Task<List<Escrow>> ReadEscrowsAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string where, object? argument, int limit, CancellationToken cancellationToken)
    {
        await using var command = NewCommand(connection, transaction, $"SELECT {EscrowColumns} FROM escrows {where} LIMIT $limit");
        command.Parameters.AddWithValue("$a", argument ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", (long)limit);
        return await ReadAllAsync(command, ReadEscrow, cancellationToken);
    }

    private static Escrow ReadEscrow(SqliteDataReader reader) => new(
        Blob.ToUInt128((byte[])reader[0]),
        Blob.ToUInt128((byte[])reader[1]),
        (EscrowFunding)reader.GetInt64(2),
        Blob.ToUInt128((byte[])reader[3]),
        Blob.ToUInt128((byte[])reader[4]),
        checked((uint)reader.GetInt64(5)),
        Blob.ToUInt128((byte[])reader[6]),
        Blob.ToUInt128((byte[])reader[7]),
        (byte[])reader[8],
        (byte[])reader[9],
        (byte[])reader[10],
        DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(11)),
        reader.IsDBNull(12)
            ? null
            : new EscrowPermit(Blob.ToUInt64(reader.GetInt64(12)), checked((byte)reader.GetInt64(13)), (byte[])reader[14], (byte[])reader[15]),
        (EscrowStatus)reader.GetInt64(16),
        reader.IsDBNull(17) ? null : reader.GetString(17),
        reader.IsDBNull(18) ? null : (EscrowTxKind)reader.GetInt64(18),
        reader.IsDBNull(19) ? null : (byte[])reader[19],
        reader.IsDBNull(20) ? null : (byte[])reader[20],
        reader.IsDBNull(21) ? null : Blob.ToUInt64(reader.GetInt64(21)),
        checked((int)reader.GetInt64(22)),
        reader.IsDBNull(23) ? null : Blob.ToUInt64(reader.GetInt64(23)),
        reader.IsDBNull(24) ? null : Blob.ToUInt64(reader.GetInt64(24)),
        reader.IsDBNull(25) ? null : (byte[])reader[25],
        At(reader.GetInt64(26)),
        At(reader.GetInt64(27)));
}
