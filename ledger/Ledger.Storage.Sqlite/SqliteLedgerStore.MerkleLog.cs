using Ledger.Core.Storage;

namespace Ledger.Storage.Sqlite;

/// <summary>The read side of the log's Merkle tree (<see cref="IMerkleLogStore"/>).</summary>
public sealed partial class SqliteLedgerStore : IMerkleLogStore
{
    public async ValueTask<IReadOnlyDictionary<(int Level, ulong Index), byte[]>> GetMerkleNodesAsync(IReadOnlyCollection<(int Level, ulong Index)> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return new Dictionary<(int Level, ulong Index), byte[]>();
        }

        await using var connection = await OpenReaderAsync(cancellationToken);
        return SqliteMerkleNodes.Read(connection, keys);
    }

    public async ValueTask<IReadOnlyList<(ulong Index, byte[] Record)>> GetLogRecordsAsync(ulong fromIndex, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, IMerkleLogStore.LogRecordsPageMax);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT log_index, record FROM transfers WHERE log_index >= $from ORDER BY log_index LIMIT $limit";
        command.Parameters.AddWithValue("$from", Blob.From(Math.Min(fromIndex, long.MaxValue)));
        command.Parameters.AddWithValue("$limit", limit);
        var records = new List<(ulong Index, byte[] Record)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add((Blob.ToUInt64(reader.GetInt64(0)), (byte[])reader[1]));
        }

        return records;
    }
}
