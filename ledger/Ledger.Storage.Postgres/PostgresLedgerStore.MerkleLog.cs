using Ledger.Core.Storage;

namespace Ledger.Storage.Postgres;

/// <summary>The read side of the log's Merkle tree (<see cref="IMerkleLogStore"/>).</summary>
public sealed partial class PostgresLedgerStore : IMerkleLogStore
{
    public async ValueTask<IReadOnlyDictionary<(int Level, ulong Index), byte[]>> GetMerkleNodesAsync(IReadOnlyCollection<(int Level, ulong Index)> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return new Dictionary<(int Level, ulong Index), byte[]>();
        }

        await using var command = dataSource.CreateCommand();
        return await PostgresMerkleNodes.ReadAsync(PostgresMerkleNodes.Prepare(command, keys), keys.Count, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<(ulong Index, byte[] Record)>> GetLogRecordsAsync(ulong fromIndex, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, IMerkleLogStore.LogRecordsPageMax);
        await using var command = dataSource.CreateCommand("SELECT log_index, record FROM transfers WHERE log_index >= $1 ORDER BY log_index LIMIT $2");
        command.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(Math.Min(fromIndex, long.MaxValue))));
        command.Parameters.Add(PostgresRows.Integer(limit));
        var records = new List<(ulong Index, byte[] Record)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add((PostgresRows.UInt64(reader.GetInt64(0)), reader.GetFieldValue<byte[]>(1)));
        }

        return records;
    }
}
