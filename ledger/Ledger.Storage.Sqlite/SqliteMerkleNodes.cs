using System.Globalization;
using System.Text;
using Ledger.Core.Codec;
using Ledger.Core.Merkle;
using Microsoft.Data.Sqlite;

namespace Ledger.Storage.Sqlite;

/// <summary>
/// The log's Merkle tree in SQLite. Nodes of level 1 and above are rows of merkle_nodes; a leaf hash
/// (level 0) is computed from the transfer's record, so a commit writes about one node per transfer rather
/// than two. Any set of nodes is read by one statement (one snapshot).
/// </summary>
internal static class SqliteMerkleNodes
{
    /// <summary>How many records the back-fill hashes per step.</summary>
    private const int BackfillChunk = 8192;

    private const string ReadSql = """
        SELECT m.level, m.idx, m.hash FROM json_each(?1) AS k JOIN merkle_nodes AS m ON m.level = k.value ->> 0 AND m.idx = k.value ->> 1
        UNION ALL
        SELECT 0, t.log_index, t.record FROM json_each(?2) AS k JOIN transfers AS t ON t.log_index = k.value
        """;

    public const string Migration = """
        -- The log's Merkle tree (PROOFS.md): the hash of every complete perfect subtree of level 1 and up,
        -- covering leaves [idx * 2^level, (idx + 1) * 2^level). Leaf hashes come from transfers.record.
        CREATE TABLE merkle_nodes (
            level INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            hash BLOB NOT NULL CHECK (length(hash) = 32),
            PRIMARY KEY (level, idx)) WITHOUT ROWID;
        """;

    /// <summary>Every node among <paramref name="keys"/> that exists.</summary>
    public static Dictionary<(int Level, ulong Index), byte[]> Read(SqliteConnection connection, IReadOnlyCollection<(int Level, ulong Index)> keys)
    {
        var nodes = new StringBuilder("[");
        var leaves = new StringBuilder("[");
        foreach (var (level, index) in keys)
        {
            var target = level == 0 ? leaves : nodes;
            if (target.Length > 1)
            {
                target.Append(',');
            }

            _ = level == 0
                ? target.Append(Blob.From(index).ToString(CultureInfo.InvariantCulture))
                : target.Append(CultureInfo.InvariantCulture, $"[{level},{Blob.From(index)}]");
        }

        var found = new Dictionary<(int Level, ulong Index), byte[]>(keys.Count);
        using var select = new RawStatement(connection, ReadSql);
        select.Bind(1, nodes.Append(']').ToString());
        select.Bind(2, leaves.Append(']').ToString());
        while (select.Read())
        {
            var level = checked((int)select.Int64(0));
            var index = Blob.ToUInt64(select.Int64(1));
            var bytes = select.Blob(2);
            found[(level, index)] = level == 0 ? MerkleHash.Leaf(CheckedRecord(bytes)) : bytes.ToArray();
        }

        return found;
    }

    /// <summary>The right edge of the tree of <paramref name="size"/> leaves; every node of it must exist.</summary>
    public static IReadOnlyList<MerkleNode> ReadFrontier(SqliteConnection connection, ulong size)
    {
        var keys = MerkleFrontier.Keys(size);
        var found = Read(connection, keys);
        var frontier = new MerkleNode[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            frontier[i] = found.TryGetValue(keys[i], out var hash)
                ? new MerkleNode(keys[i].Level, keys[i].Index, hash)
                : throw new InvalidOperationException($"Merkle node {keys[i]} of the tree of {size} leaves is missing.");
        }

        return frontier;
    }

    public static void Write(SqliteConnection connection, IReadOnlyList<MerkleNode> nodes)
    {
        if (nodes.Count == 0)
        {
            return;
        }

        using var insert = new RawStatement(connection, "INSERT INTO merkle_nodes (level, idx, hash) VALUES (?1, ?2, ?3)");
        foreach (var node in nodes)
        {
            insert.Bind(1, node.Level);
            insert.Bind(2, Blob.From(node.Index));
            insert.Bind(3, node.Hash);
            insert.Execute();
        }
    }

    /// <summary>
    /// At start, after the migrations: a log committed before merkle_nodes existed (nodes due, none stored)
    /// gets its tree built now; then the right edge of the committed log must be complete, or the store
    /// refuses to start rather than extend a tree with holes.
    /// </summary>
    public static void EnsureTree(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var logSize = SqliteLedgerStore.ReadHead(connection, transaction).LogSize;
        if (MerkleSubtrees.CompleteNodes(logSize) > 0 && !AnyStored(connection))
        {
            Backfill(connection, transaction);
        }

        ReadFrontier(connection, logSize);
        transaction.Commit();
    }

    private static bool AnyStored(SqliteConnection connection)
    {
        using var any = new RawStatement(connection, "SELECT 1 FROM merkle_nodes LIMIT 1");
        return any.Read();
    }

    /// <summary>Builds the whole tree from the records, in order, a chunk at a time, keeping only the right edge between chunks.</summary>
    private static void Backfill(SqliteConnection connection, SqliteTransaction transaction)
    {
        IReadOnlyList<MerkleNode> frontier = [];
        ulong size = 0;
        using var select = new RawStatement(connection, "SELECT log_index, record FROM transfers WHERE log_index >= ?1 ORDER BY log_index LIMIT ?2");
        while (true)
        {
            var leaves = new List<byte[]>(BackfillChunk);
            select.Bind(1, Blob.From(size));
            select.Bind(2, BackfillChunk);
            while (select.Read())
            {
                if (Blob.ToUInt64(select.Int64(0)) != size + (ulong)leaves.Count)
                {
                    throw new InvalidOperationException($"The log has no transfer at index {size + (ulong)leaves.Count}; its tree cannot be built.");
                }

                leaves.Add(MerkleHash.Leaf(CheckedRecord(select.Blob(1))));
            }

            if (leaves.Count == 0)
            {
                break;
            }

            var extension = MerkleFrontier.Extend(size, frontier, leaves);
            Write(connection, extension.NewNodes);
            (size, frontier) = (extension.Size, extension.Frontier);
        }

        var logSize = SqliteLedgerStore.ReadHead(connection, transaction).LogSize;
        if (size != logSize)
        {
            throw new InvalidOperationException($"The log holds {size} transfers in order from index 0, but its head says {logSize}.");
        }
    }

    private static ReadOnlySpan<byte> CheckedRecord(ReadOnlySpan<byte> record) =>
        record.Length == TransferRecord.Size ? record : throw new InvalidOperationException($"A stored transfer record is {record.Length} bytes, not {TransferRecord.Size}.");
}
