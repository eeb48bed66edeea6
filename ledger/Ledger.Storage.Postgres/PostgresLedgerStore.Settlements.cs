using System.Globalization;
using System.Numerics;
using Ledger.Core.Codec;
using Ledger.Core.Settlement;
using Ledger.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Storage.Postgres;

/// <summary>
/// Settlement batches and their anchors. Each write is one transaction that first takes a share lock on
/// the leader's lease row, checked against the fence by the server's clock: a takeover (which updates
/// that row) waits until the write is done, so no write of a deposed leader can land after the new
/// leader's term began. Then the stored state is checked, then written.
/// </summary>
public sealed partial class PostgresLedgerStore : ISettlementStore
{
    private const string SettlementColumns =
        "seq, first_log_index, tree_size, root, closed_at_ticks, status, tx_hash, raw_tx, tx_nonce, block_number, block_hash, chain_seq, epoch";

    public async ValueTask<SettlementWrite> TryCloseSettlementAsync(SettlementDraft draft, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        draft.Validate();
        return await FencedAsync(fence, async (connection, transaction) =>
        {
            await using var check = new NpgsqlCommand(
                """
                SELECT coalesce((SELECT seq FROM settlements ORDER BY seq DESC LIMIT 1), 0),
                       coalesce((SELECT tree_size FROM settlements ORDER BY seq DESC LIMIT 1), 0),
                       (SELECT log_size FROM ledger_head WHERE singleton = 1)
                """,
                connection,
                transaction);
            await using (var reader = await check.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                var lastSeq = PostgresRows.UInt64(reader.GetInt64(0));
                var lastTreeSize = PostgresRows.UInt64(reader.GetInt64(1));
                var logSize = PostgresRows.UInt64(reader.GetInt64(2));
                if (draft.Seq != lastSeq + 1 || draft.FirstLogIndex != lastTreeSize || draft.TreeSize > logSize)
                {
                    return SettlementWrite.Conflict;
                }
            }

            await using (var insert = new NpgsqlCommand(
                $"INSERT INTO settlements ({SettlementColumns}) VALUES ($1, $2, $3, $4, $5, 0, NULL, NULL, NULL, NULL, NULL, NULL, $6)",
                connection,
                transaction))
            {
                insert.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(draft.Seq)));
                insert.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(draft.FirstLogIndex)));
                insert.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(draft.TreeSize)));
                insert.Parameters.Add(PostgresRows.Bytea(draft.Root));
                insert.Parameters.Add(PostgresRows.BigInt(draft.ClosedAt.UtcTicks));
                insert.Parameters.Add(PostgresRows.BigInt(fence.Epoch));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            if (draft.NetPositions.Count > 0)
            {
                await using var positions = new NpgsqlCommand(
                    "INSERT INTO settlement_positions (seq, participant_id, ledger, net) SELECT $1, * FROM unnest($2::bytea[], $3::bigint[], $4::text[])",
                    connection,
                    transaction);
                positions.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(draft.Seq)));
                positions.Parameters.Add(PostgresRows.ByteaArray([.. draft.NetPositions.Select(static p => PostgresRows.Bytes(p.ParticipantId))]));
                positions.Parameters.Add(PostgresRows.BigIntArray([.. draft.NetPositions.Select(static p => (long)p.Ledger)]));
                positions.Parameters.Add(new NpgsqlParameter<string[]>
                {
                    NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
                    TypedValue = [.. draft.NetPositions.Select(static p => p.Net.ToString(CultureInfo.InvariantCulture))],
                });
                await positions.ExecuteNonQueryAsync(cancellationToken);
            }

            return SettlementWrite.Applied;
        }, cancellationToken);
    }

    public async ValueTask<SettlementBatch?> GetSettlementAsync(ulong seq, CancellationToken cancellationToken) =>
        await SingleSettlementAsync("WHERE seq = $1", PostgresRows.Int64(Math.Min(seq, long.MaxValue)), cancellationToken);

    public async ValueTask<SettlementBatch?> GetLastSettlementAsync(CancellationToken cancellationToken) =>
        await SingleSettlementAsync("WHERE $1 = $1 ORDER BY seq DESC", 0, cancellationToken);

    public async ValueTask<IReadOnlyList<SettlementBatch>> ListSettlementsAsync(ulong afterSeq, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, SettlementLimits.SettlementsPageMax);
        return await SettlementsAsync("WHERE seq > $1 ORDER BY seq", PostgresRows.Int64(Math.Min(afterSeq, long.MaxValue)), limit, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<SettlementBatch>> ListUnfinalSettlementsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, SettlementLimits.SettlementsPageMax);
        return await SettlementsAsync("WHERE status <> 3 AND $1 = $1 ORDER BY seq", 0, limit, cancellationToken);
    }

    public async ValueTask<SettlementBatch?> FindSettlementOfLogIndexAsync(ulong logIndex, CancellationToken cancellationToken) =>
        logIndex >= long.MaxValue
            ? null
            : await SingleSettlementAsync("WHERE tree_size > $1 AND first_log_index <= $1 ORDER BY tree_size", (long)logIndex, cancellationToken);

    public async ValueTask<SettlementBatch?> GetLatestAnchoredSettlementAsync(CancellationToken cancellationToken) =>
        await SingleSettlementAsync("WHERE status IN (2, 3) AND $1 = $1 ORDER BY seq DESC", 0, cancellationToken);

    public async ValueTask<SettlementBatch?> GetLatestFinalSettlementAsync(CancellationToken cancellationToken) =>
        await SingleSettlementAsync("WHERE status = 3 AND $1 = $1 ORDER BY seq DESC", 0, cancellationToken);

    public async ValueTask<IReadOnlyList<OwnedTransfer>> GetOwnedTransfersAsync(ulong fromLogIndex, ulong toLogIndex, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, SettlementLimits.OwnedTransfersPageMax);
        var page = new List<OwnedTransfer>();
        if (fromLogIndex >= toLogIndex)
        {
            return page;
        }

        await using var command = dataSource.CreateCommand("""
            SELECT t.log_index, t.record, d.owner_id, c.owner_id FROM transfers t
            JOIN accounts d ON d.id = t.debit_account_id
            JOIN accounts c ON c.id = t.credit_account_id
            WHERE t.log_index >= $1 AND t.log_index < $2 ORDER BY t.log_index LIMIT $3
            """);
        command.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(Math.Min(fromLogIndex, long.MaxValue))));
        command.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(Math.Min(toLogIndex, long.MaxValue))));
        command.Parameters.Add(PostgresRows.Integer(limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(new OwnedTransfer(
                PostgresRows.UInt64(reader.GetInt64(0)),
                TransferRecord.Decode(reader.GetFieldValue<byte[]>(1)),
                PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(2)),
                PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(3))));
        }

        return page;
    }

    public ValueTask<SettlementWrite> RecordAnchorSubmittedAsync(ulong seq, byte[]? replacedTxHash, SignedAnchor anchor, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        return UpdateAnchorAsync(
            """
            UPDATE settlements SET status = 1, tx_hash = $4, raw_tx = $5, tx_nonce = $6,
                block_number = NULL, block_hash = NULL, chain_seq = NULL, epoch = $3
            WHERE seq = $1 AND ((status = 0 AND $2::bytea IS NULL) OR (status = 1 AND tx_hash = $2))
            """,
            seq,
            replacedTxHash,
            fence,
            [PostgresRows.Bytea(anchor.TxHash), PostgresRows.Bytea(anchor.RawTx), PostgresRows.BigInt(PostgresRows.Int64(anchor.Nonce))],
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordAnchorIncludedAsync(ulong seq, byte[]? expectedTxHash, AnchorInclusion inclusion, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inclusion);

        // The head may have been found on chain under another transaction than the recorded one: then the
        // recorded bytes are no longer this anchor's and are dropped.
        return UpdateAnchorAsync(
            """
            UPDATE settlements SET status = 2,
                raw_tx = CASE WHEN tx_hash = $4 THEN raw_tx ELSE NULL END,
                tx_nonce = CASE WHEN tx_hash = $4 THEN tx_nonce ELSE NULL END,
                tx_hash = $4, block_number = $5, block_hash = $6, chain_seq = $7, epoch = $3
            WHERE seq = $1 AND ((status = 0 AND $2::bytea IS NULL) OR (status = 1 AND tx_hash = $2))
            """,
            seq,
            expectedTxHash,
            fence,
            [
                PostgresRows.Bytea(inclusion.TxHash),
                PostgresRows.BigInt(PostgresRows.Int64(inclusion.BlockNumber)),
                PostgresRows.Bytea(inclusion.BlockHash),
                PostgresRows.BigInt(PostgresRows.Int64(inclusion.ChainSeq)),
            ],
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordAnchorFinalAsync(ulong seq, byte[] txHash, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        return UpdateAnchorAsync("UPDATE settlements SET status = 3, epoch = $3 WHERE seq = $1 AND status = 2 AND tx_hash = $2", seq, txHash, fence, [], cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordAnchorReorganisedAsync(ulong seq, byte[] txHash, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        return UpdateAnchorAsync(
            """
            UPDATE settlements SET status = 1, block_number = NULL, block_hash = NULL, chain_seq = NULL, epoch = $3
            WHERE seq = $1 AND status = 2 AND tx_hash = $2
            """,
            seq,
            txHash,
            fence,
            [],
            cancellationToken);
    }

    private async ValueTask<SettlementWrite> UpdateAnchorAsync(
        string sql, ulong seq, byte[]? expectedTxHash, SettlementFence fence, NpgsqlParameter[] more, CancellationToken cancellationToken) =>
        await FencedAsync(fence, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(seq)));
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)expectedTxHash ?? DBNull.Value });
            command.Parameters.Add(PostgresRows.BigInt(fence.Epoch));
            command.Parameters.AddRange(more);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? SettlementWrite.Applied : SettlementWrite.Conflict;
        }, cancellationToken);

    /// <summary>Runs <paramref name="write"/> in one transaction if the fence holds, and commits what it applied.</summary>
    private async Task<SettlementWrite> FencedAsync(
        SettlementFence fence, Func<NpgsqlConnection, NpgsqlTransaction, Task<SettlementWrite>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fence);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand(
            "SELECT 1 FROM leases WHERE name = $1 AND epoch = $2 AND expires_at > now() FOR SHARE",
            connection,
            transaction))
        {
            check.Parameters.Add(PostgresRows.Text(fence.LeaseName));
            check.Parameters.Add(PostgresRows.BigInt(fence.Epoch));
            if (await check.ExecuteScalarAsync(cancellationToken) is null)
            {
                return SettlementWrite.NotLeader;
            }
        }

        SettlementWrite outcome;
        try
        {
            outcome = await write(connection, transaction);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A unique key (seq, range, tree size) is taken: the writer lost a race.
            return SettlementWrite.Conflict;
        }

        if (outcome == SettlementWrite.Applied)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return outcome;
    }

    private async Task<SettlementBatch?> SingleSettlementAsync(string where, long argument, CancellationToken cancellationToken)
    {
        var found = await SettlementsAsync(where, argument, 1, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    private async Task<IReadOnlyList<SettlementBatch>> SettlementsAsync(string where, long argument, int limit, CancellationToken cancellationToken)
    {
        // The batches and their positions in one statement, so both come from the same snapshot.
        await using var command = dataSource.CreateCommand($"""
            WITH s AS (SELECT {SettlementColumns} FROM settlements {where} LIMIT $2)
            SELECT s.*, p.participant_id, p.ledger, p.net FROM s
            LEFT JOIN settlement_positions p ON p.seq = s.seq
            ORDER BY {OrderOf(where)}, p.ledger, p.participant_id
            """);
        command.Parameters.Add(PostgresRows.BigInt(argument));
        command.Parameters.Add(PostgresRows.Integer(limit));
        var batches = new List<SettlementBatch>();
        List<NetPosition>? positions = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var seq = PostgresRows.UInt64(reader.GetInt64(0));
            if (batches.Count == 0 || batches[^1].Seq != seq)
            {
                positions = [];
                batches.Add(new SettlementBatch(
                    seq,
                    PostgresRows.UInt64(reader.GetInt64(1)),
                    PostgresRows.UInt64(reader.GetInt64(2)),
                    reader.GetFieldValue<byte[]>(3),
                    new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
                    positions,
                    new AnchorState(
                        (AnchorStatus)reader.GetInt16(5),
                        reader.IsDBNull(6) ? null : reader.GetFieldValue<byte[]>(6),
                        reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7),
                        reader.IsDBNull(8) ? null : PostgresRows.UInt64(reader.GetInt64(8)),
                        reader.IsDBNull(9) ? null : PostgresRows.UInt64(reader.GetInt64(9)),
                        reader.IsDBNull(10) ? null : reader.GetFieldValue<byte[]>(10),
                        reader.IsDBNull(11) ? null : PostgresRows.UInt64(reader.GetInt64(11)),
                        reader.GetInt64(12))));
            }

            if (!reader.IsDBNull(13))
            {
                positions!.Add(new NetPosition(
                    PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(13)),
                    checked((uint)reader.GetInt64(14)),
                    BigInteger.Parse(reader.GetString(15), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)));
            }
        }

        return batches;
    }

    /// <summary>The outer query keeps the inner order: descending where the selection was newest first.</summary>
    private static string OrderOf(string where) =>
        where.Contains("seq DESC", StringComparison.Ordinal) ? "s.seq DESC"
        : where.Contains("ORDER BY tree_size", StringComparison.Ordinal) ? "s.tree_size"
        : "s.seq";
}
