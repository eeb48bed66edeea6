using System.Globalization;
using System.Numerics;
using Ledger.Core.Codec;
using Ledger.Core.Settlement;
using Ledger.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Ledger.Storage.Sqlite;

/// <summary>
/// Settlement batches and their anchors. Each write is one immediate transaction that first checks the
/// leader's lease (same clock as <see cref="TryAcquireAsync"/>), then the stored state, then writes.
/// </summary>
public sealed partial class SqliteLedgerStore : ISettlementStore
{
    private const string SettlementColumns =
        "seq, first_log_index, tree_size, root, closed_at, status, tx_hash, raw_tx, tx_nonce, block_number, block_hash, chain_seq, epoch";

    public async ValueTask<SettlementWrite> TryCloseSettlementAsync(SettlementDraft draft, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        draft.Validate();
        return await FencedAsync(fence, (connection, transaction) =>
        {
            ulong lastSeq = 0, lastTreeSize = 0;
            using (var last = connection.CreateCommand())
            {
                last.Transaction = transaction;
                last.CommandText = "SELECT seq, tree_size FROM settlements ORDER BY seq DESC LIMIT 1";
                using var reader = last.ExecuteReader();
                if (reader.Read())
                {
                    lastSeq = Blob.ToUInt64(reader.GetInt64(0));
                    lastTreeSize = Blob.ToUInt64(reader.GetInt64(1));
                }
            }

            if (draft.Seq != lastSeq + 1 || draft.FirstLogIndex != lastTreeSize || draft.TreeSize > ReadHead(connection, transaction).LogSize)
            {
                return SettlementWrite.Conflict;
            }

            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = $"INSERT INTO settlements ({SettlementColumns}) VALUES ($seq, $first, $size, $root, $closed, 0, NULL, NULL, NULL, NULL, NULL, NULL, $epoch)";
                insert.Parameters.AddWithValue("$seq", Blob.From(draft.Seq));
                insert.Parameters.AddWithValue("$first", Blob.From(draft.FirstLogIndex));
                insert.Parameters.AddWithValue("$size", Blob.From(draft.TreeSize));
                insert.Parameters.AddWithValue("$root", draft.Root);
                insert.Parameters.AddWithValue("$closed", draft.ClosedAt.UtcTicks);
                insert.Parameters.AddWithValue("$epoch", fence.Epoch);
                insert.ExecuteNonQuery();
            }

            using var position = connection.CreateCommand();
            position.Transaction = transaction;
            position.CommandText = "INSERT INTO settlement_positions (seq, participant_id, ledger, net) VALUES ($seq, $participant, $ledger, $net)";
            position.Parameters.AddWithValue("$seq", Blob.From(draft.Seq));
            var participant = position.Parameters.Add("$participant", SqliteType.Blob);
            var ledger = position.Parameters.Add("$ledger", SqliteType.Integer);
            var net = position.Parameters.Add("$net", SqliteType.Text);
            foreach (var p in draft.NetPositions)
            {
                participant.Value = Blob.From(p.ParticipantId);
                ledger.Value = (long)p.Ledger;
                net.Value = p.Net.ToString(CultureInfo.InvariantCulture);
                position.ExecuteNonQuery();
            }

            return SettlementWrite.Applied;
        }, cancellationToken);
    }

    public async ValueTask<SettlementBatch?> GetSettlementAsync(ulong seq, CancellationToken cancellationToken) =>
        await SingleSettlementAsync("WHERE seq = $a", Blob.From(seq), cancellationToken);

    public async ValueTask<SettlementBatch?> GetLastSettlementAsync(CancellationToken cancellationToken) =>
        await SingleSettlementAsync("ORDER BY seq DESC LIMIT 1", null, cancellationToken);

    public async ValueTask<IReadOnlyList<SettlementBatch>> ListSettlementsAsync(ulong afterSeq, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, SettlementLimits.SettlementsPageMax);
        return await SettlementsAsync("WHERE seq > $a ORDER BY seq LIMIT $limit", unchecked((long)Math.Min(afterSeq, long.MaxValue)), limit, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<SettlementBatch>> ListUnfinalSettlementsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, SettlementLimits.SettlementsPageMax);
        return await SettlementsAsync("WHERE status <> 3 ORDER BY seq LIMIT $limit", null, limit, cancellationToken);
    }

    public async ValueTask<SettlementBatch?> FindSettlementOfLogIndexAsync(ulong logIndex, CancellationToken cancellationToken)
    {
        if (logIndex >= long.MaxValue)
        {
            return null;
        }

        return await SingleSettlementAsync("WHERE tree_size > $a AND first_log_index <= $a ORDER BY tree_size LIMIT 1", (long)logIndex, cancellationToken);
    }

    public async ValueTask<SettlementBatch?> GetLatestAnchoredSettlementAsync(CancellationToken cancellationToken) =>
        await SingleSettlementAsync("WHERE status IN (2, 3) ORDER BY seq DESC LIMIT 1", null, cancellationToken);

    public async ValueTask<SettlementBatch?> GetLatestFinalSettlementAsync(CancellationToken cancellationToken) =>
        await SingleSettlementAsync("WHERE status = 3 ORDER BY seq DESC LIMIT 1", null, cancellationToken);

    public async ValueTask<IReadOnlyList<OwnedTransfer>> GetOwnedTransfersAsync(ulong fromLogIndex, ulong toLogIndex, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, SettlementLimits.OwnedTransfersPageMax);
        var page = new List<OwnedTransfer>();
        if (fromLogIndex >= toLogIndex)
        {
            return page;
        }

        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT t.log_index, t.record, d.owner_id, c.owner_id FROM transfers t
            JOIN accounts d ON d.id = t.debit_account_id
            JOIN accounts c ON c.id = t.credit_account_id
            WHERE t.log_index >= $from AND t.log_index < $to ORDER BY t.log_index LIMIT $limit
            """;
        command.Parameters.AddWithValue("$from", Blob.From(fromLogIndex));
        command.Parameters.AddWithValue("$to", Blob.From(Math.Min(toLogIndex, long.MaxValue)));
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(new OwnedTransfer(
                Blob.ToUInt64(reader.GetInt64(0)),
                TransferRecord.Decode((byte[])reader[1]),
                Blob.ToUInt128((byte[])reader[2]),
                Blob.ToUInt128((byte[])reader[3])));
        }

        return page;
    }

    public ValueTask<SettlementWrite> RecordAnchorSubmittedAsync(ulong seq, byte[]? replacedTxHash, SignedAnchor anchor, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        return UpdateAnchorAsync(
            """
            UPDATE settlements SET status = 1, tx_hash = $hash, raw_tx = $raw, tx_nonce = $nonce,
                block_number = NULL, block_hash = NULL, chain_seq = NULL, epoch = $epoch
            WHERE seq = $seq AND ((status = 0 AND $expected IS NULL) OR (status = 1 AND tx_hash = $expected))
            """,
            seq,
            replacedTxHash,
            fence,
            command =>
            {
                command.Parameters.AddWithValue("$hash", anchor.TxHash);
                command.Parameters.AddWithValue("$raw", anchor.RawTx);
                command.Parameters.AddWithValue("$nonce", Blob.From(anchor.Nonce));
            },
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
                raw_tx = CASE WHEN tx_hash = $hash THEN raw_tx ELSE NULL END,
                tx_nonce = CASE WHEN tx_hash = $hash THEN tx_nonce ELSE NULL END,
                tx_hash = $hash, block_number = $block, block_hash = $blockHash, chain_seq = $chainSeq, epoch = $epoch
            WHERE seq = $seq AND ((status = 0 AND $expected IS NULL) OR (status = 1 AND tx_hash = $expected))
            """,
            seq,
            expectedTxHash,
            fence,
            command =>
            {
                command.Parameters.AddWithValue("$hash", inclusion.TxHash);
                command.Parameters.AddWithValue("$block", Blob.From(inclusion.BlockNumber));
                command.Parameters.AddWithValue("$blockHash", inclusion.BlockHash);
                command.Parameters.AddWithValue("$chainSeq", Blob.From(inclusion.ChainSeq));
            },
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordAnchorFinalAsync(ulong seq, byte[] txHash, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        return UpdateAnchorAsync(
            "UPDATE settlements SET status = 3, epoch = $epoch WHERE seq = $seq AND status = 2 AND tx_hash = $expected",
            seq,
            txHash,
            fence,
            static _ => { },
            cancellationToken);
    }

    public ValueTask<SettlementWrite> RecordAnchorReorganisedAsync(ulong seq, byte[] txHash, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        return UpdateAnchorAsync(
            """
            UPDATE settlements SET status = 1, block_number = NULL, block_hash = NULL, chain_seq = NULL, epoch = $epoch
            WHERE seq = $seq AND status = 2 AND tx_hash = $expected
            """,
            seq,
            txHash,
            fence,
            static _ => { },
            cancellationToken);
    }

    private async ValueTask<SettlementWrite> UpdateAnchorAsync(
        string sql, ulong seq, byte[]? expectedTxHash, SettlementFence fence, Action<SqliteCommand> bind, CancellationToken cancellationToken) =>
        await FencedAsync(fence, (connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.Parameters.AddWithValue("$seq", Blob.From(seq));
            command.Parameters.AddWithValue("$expected", (object?)expectedTxHash ?? DBNull.Value);
            command.Parameters.AddWithValue("$epoch", fence.Epoch);
            bind(command);
            return command.ExecuteNonQuery() == 1 ? SettlementWrite.Applied : SettlementWrite.Conflict;
        }, cancellationToken);

    /// <summary>Runs <paramref name="write"/> in one immediate transaction if the fence holds, and commits what it applied.</summary>
    private async Task<SettlementWrite> FencedAsync(
        SettlementFence fence, Func<SqliteConnection, SqliteTransaction, SettlementWrite> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fence);
        await using var connection = await OpenWriterAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var check = connection.CreateCommand())
        {
            check.Transaction = transaction;
            check.CommandText = "SELECT count(*) FROM leases WHERE name = $name AND epoch = $epoch AND expires_at > $now";
            check.Parameters.AddWithValue("$name", fence.LeaseName);
            check.Parameters.AddWithValue("$epoch", fence.Epoch);
            check.Parameters.AddWithValue("$now", leaseClock.GetUtcNow().UtcTicks);
            if ((long)check.ExecuteScalar()! != 1)
            {
                return SettlementWrite.NotLeader;
            }
        }

        SettlementWrite outcome;
        try
        {
            outcome = write(connection, transaction);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == 19)
        {
            // SQLITE_CONSTRAINT: a unique key (seq, range, tree size) is taken; the writer lost a race.
            return SettlementWrite.Conflict;
        }

        if (outcome == SettlementWrite.Applied)
        {
            transaction.Commit();
        }

        return outcome;
    }

    private async Task<SettlementBatch?> SingleSettlementAsync(string where, object? argument, CancellationToken cancellationToken)
    {
        var found = await SettlementsAsync(where, argument, 1, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    private async Task<IReadOnlyList<SettlementBatch>> SettlementsAsync(string where, object? argument, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);

        // One read transaction, so the batches and their positions come from the same snapshot.
        using var transaction = connection.BeginTransaction(deferred: true);
        var rows = new List<(ulong Seq, ulong First, ulong Size, byte[] Root, DateTimeOffset Closed, AnchorState Anchor)>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT {SettlementColumns} FROM settlements {where}";
            command.Parameters.AddWithValue("$a", argument ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((
                    Blob.ToUInt64(reader.GetInt64(0)),
                    Blob.ToUInt64(reader.GetInt64(1)),
                    Blob.ToUInt64(reader.GetInt64(2)),
                    (byte[])reader[3],
                    new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero),
                    new AnchorState(
                        (AnchorStatus)reader.GetInt64(5),
                        reader.IsDBNull(6) ? null : (byte[])reader[6],
                        reader.IsDBNull(7) ? null : (byte[])reader[7],
                        reader.IsDBNull(8) ? null : Blob.ToUInt64(reader.GetInt64(8)),
                        reader.IsDBNull(9) ? null : Blob.ToUInt64(reader.GetInt64(9)),
                        reader.IsDBNull(10) ? null : (byte[])reader[10],
                        reader.IsDBNull(11) ? null : Blob.ToUInt64(reader.GetInt64(11)),
                        reader.GetInt64(12))));
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var positions = rows.ToDictionary(static r => r.Seq, static _ => new List<NetPosition>());
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT seq, participant_id, ledger, net FROM settlement_positions WHERE seq BETWEEN $low AND $high ORDER BY seq, ledger, participant_id";
            command.Parameters.AddWithValue("$low", Blob.From(rows.Min(static r => r.Seq)));
            command.Parameters.AddWithValue("$high", Blob.From(rows.Max(static r => r.Seq)));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (positions.TryGetValue(Blob.ToUInt64(reader.GetInt64(0)), out var list))
                {
                    list.Add(new NetPosition(
                        Blob.ToUInt128((byte[])reader[1]),
                        checked((uint)reader.GetInt64(2)),
                        BigInteger.Parse(reader.GetString(3), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)));
                }
            }
        }

        return [.. rows.Select(r => new SettlementBatch(r.Seq, r.First, r.Size, r.Root, r.Closed, positions[r.Seq], r.Anchor))];
    }
}
