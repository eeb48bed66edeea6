using Ledger.Core.Codec;
using Ledger.Core.Merkle;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Storage.Postgres;

/// <summary>
/// The log's Merkle tree in PostgreSQL. Nodes of level 1 and above are rows of merkle_nodes, written by
/// binary COPY in the commit's transaction; a leaf hash (level 0) is computed from the transfer's record,
/// so a commit writes about one node per transfer rather than two. Any set of nodes is read by one
/// statement (one snapshot, one round trip).
/// </summary>
internal static class PostgresMerkleNodes
{
    public const string Migration = """
        -- The log's Merkle tree (PROOFS.md): the hash of every complete perfect subtree of level 1 and up,
        -- covering leaves [idx * 2^level, (idx + 1) * 2^level). Leaf hashes come from transfers.record.
        CREATE TABLE merkle_nodes (
            level smallint NOT NULL,
            idx bigint NOT NULL,
            hash bytea NOT NULL CHECK (length(hash) = 32),
            PRIMARY KEY (level, idx));
        """;

    /// <summary>How many records the back-fill hashes per step.</summary>
    private const int BackfillChunk = 8192;

    private const string ReadSql = """
        SELECT m.level, m.idx, m.hash FROM unnest($1::smallint[], $2::bigint[]) AS k(level, idx)
            JOIN merkle_nodes AS m ON m.level = k.level AND m.idx = k.idx
        UNION ALL
        SELECT 0::smallint, t.log_index, t.record FROM transfers AS t WHERE t.log_index = ANY($3)
        """;

    /// <summary>Makes <paramref name="command"/> the read of every node among <paramref name="keys"/>; run it with <see cref="ReadAsync"/>.</summary>
    public static NpgsqlCommand Prepare(NpgsqlCommand command, IReadOnlyCollection<(int Level, ulong Index)> keys)
    {
        var levels = new List<short>(keys.Count);
        var indexes = new List<long>(keys.Count);
        var leaves = new List<long>();
        foreach (var (level, index) in keys)
        {
            if (level == 0)
            {
                leaves.Add(PostgresRows.Int64(index));
            }
            else
            {
                levels.Add(checked((short)level));
                indexes.Add(PostgresRows.Int64(index));
            }
        }

        command.CommandText = ReadSql;
        command.Parameters.Add(new NpgsqlParameter<short[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint, TypedValue = [.. levels] });
        command.Parameters.Add(PostgresRows.BigIntArray([.. indexes]));
        command.Parameters.Add(PostgresRows.BigIntArray([.. leaves]));
        return command;
    }

    public static async Task<Dictionary<(int Level, ulong Index), byte[]>> ReadAsync(NpgsqlCommand prepared, int capacity, CancellationToken cancellationToken)
    {
        var found = new Dictionary<(int Level, ulong Index), byte[]>(capacity);
        await using var reader = await prepared.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var level = (int)reader.GetInt16(0);
            var bytes = reader.GetFieldValue<byte[]>(2);
            found[(level, PostgresRows.UInt64(reader.GetInt64(1)))] = level == 0 ? MerkleHash.Leaf(CheckedRecord(bytes)) : bytes;
        }

        return found;
    }

    /// <summary>The right edge of the tree of <paramref name="size"/> leaves; every node of it must exist.</summary>
    public static async Task<IReadOnlyList<MerkleNode>> ReadFrontierAsync(NpgsqlCommand command, ulong size, CancellationToken cancellationToken)
    {
        var keys = MerkleFrontier.Keys(size);
        if (keys.Count == 0)
        {
            return [];
        }

        var found = await ReadAsync(Prepare(command, keys), keys.Count, cancellationToken);
        var frontier = new MerkleNode[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            frontier[i] = found.TryGetValue(keys[i], out var hash)
                ? new MerkleNode(keys[i].Level, keys[i].Index, hash)
                : throw new InvalidOperationException($"Merkle node {keys[i]} of the tree of {size} leaves is missing.");
        }

        return frontier;
    }

    public static async Task WriteAsync(NpgsqlConnection connection, IReadOnlyList<MerkleNode> nodes, CancellationToken cancellationToken)
    {
        if (nodes.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync("COPY merkle_nodes (level, idx, hash) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var node in nodes)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(checked((short)node.Level), NpgsqlDbType.Smallint, cancellationToken);
            await copy.WriteAsync(PostgresRows.Int64(node.Index), NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(node.Hash, NpgsqlDbType.Bytea, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// At start, in the migrations' transaction (so under their advisory lock, one node at a time): a log
    /// committed before merkle_nodes existed (nodes due, none stored) gets its tree built now; then the right
    /// edge of the committed log must be complete, or the store refuses to start rather than extend a tree
    /// with holes.
    /// </summary>
    public static async Task EnsureTreeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ulong logSize;
        bool anyStored;
        await using (var state = new NpgsqlCommand($"{PostgresCommitSession.ReadHeadSql}; SELECT EXISTS (SELECT 1 FROM merkle_nodes)", connection))
        {
            await using var reader = await state.ExecuteReaderAsync(cancellationToken);
            logSize = (await PostgresCommitSession.ReadHeadAsync(reader, cancellationToken)).LogSize;
            await reader.NextResultAsync(cancellationToken);
            anyStored = await reader.ReadAsync(cancellationToken) && reader.GetBoolean(0);
        }

        if (MerkleSubtrees.CompleteNodes(logSize) > 0 && !anyStored)
        {
            await BackfillAsync(connection, logSize, cancellationToken);
        }

        await using var command = new NpgsqlCommand { Connection = connection };
        await ReadFrontierAsync(command, logSize, cancellationToken);
    }

    /// <summary>Builds the whole tree from the records, in order, a chunk at a time, keeping only the right edge between chunks.</summary>
    private static async Task BackfillAsync(NpgsqlConnection connection, ulong logSize, CancellationToken cancellationToken)
    {
        IReadOnlyList<MerkleNode> frontier = [];
        ulong size = 0;
        while (true)
        {
            var leaves = new List<byte[]>(BackfillChunk);
            await using (var select = new NpgsqlCommand("SELECT log_index, record FROM transfers WHERE log_index >= $1 ORDER BY log_index LIMIT $2", connection))
            {
                select.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(size)));
                select.Parameters.Add(PostgresRows.Integer(BackfillChunk));
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (PostgresRows.UInt64(reader.GetInt64(0)) != size + (ulong)leaves.Count)
                    {
                        throw new InvalidOperationException($"The log has no transfer at index {size + (ulong)leaves.Count}; its tree cannot be built.");
                    }

                    leaves.Add(MerkleHash.Leaf(CheckedRecord(reader.GetFieldValue<byte[]>(1))));
                }
            }

            if (leaves.Count == 0)
            {
                break;
            }

            var extension = MerkleFrontier.Extend(size, frontier, leaves);
            await WriteAsync(connection, extension.NewNodes, cancellationToken);
            (size, frontier) = (extension.Size, extension.Frontier);
        }

        if (size != logSize)
        {
            throw new InvalidOperationException($"The log holds {size} transfers in order from index 0, but its head says {logSize}.");
        }
    }

    private static byte[] CheckedRecord(byte[] record) =>
        record.Length == TransferRecord.Size ? record : throw new InvalidOperationException($"A stored transfer record is {record.Length} bytes, not {TransferRecord.Size}.");
}
