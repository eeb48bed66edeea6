using Ledger.Core.Codec;
using Ledger.Core.Domain;
using Ledger.Core.Storage;
using Npgsql;

namespace Ledger.Storage.Postgres;

/// <summary>
/// The clustered system of record: one PostgreSQL database shared by every node. Commit sessions are
/// serialised by the database (a transaction-level advisory lock taken before the first read), so all
/// nodes' commits form one total order; within a process a semaphore also keeps one session at a time.
/// Commits are durable (synchronous_commit stays on). Reads use pooled connections and see only
/// committed data.
/// </summary>
public sealed partial class PostgresLedgerStore : ILedgerStore
{
    private readonly NpgsqlDataSource dataSource;
    private readonly SemaphoreSlim sessionGate = new(1, 1);
    private int disposed;

    public PostgresLedgerStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // Nothing here changes session state, so a pooled connection needs no reset on its way back; the
        // commit path then pays no extra statement per session.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        dataSource = NpgsqlDataSource.Create(builder);
    }

    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await PostgresSchema.ApplyAsync(connection, cancellationToken);
    }

    public async ValueTask<ICommitSession> BeginCommitAsync(CancellationToken cancellationToken)
    {
        await sessionGate.WaitAsync(cancellationToken);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await PostgresCommitSession.BeginAsync(connection, sessionGate, cancellationToken);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            sessionGate.Release();
            throw;
        }
    }

    public async ValueTask<LedgerHead> GetHeadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PostgresCommitSession.ReadHeadSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await PostgresCommitSession.ReadHeadAsync(reader, cancellationToken);
    }

    public async ValueTask<Account?> GetAccountAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT record FROM accounts WHERE id = $1");
        command.Parameters.Add(PostgresRows.Id(id));
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] record ? AccountRecord.Decode(record) : null;
    }

    public async ValueTask<StoredTransfer?> GetTransferAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {PostgresRows.TransferColumns} FROM {PostgresRows.TransferFrom} WHERE t.id = $1");
        command.Parameters.Add(PostgresRows.Id(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? PostgresRows.ReadStoredTransfer(reader) : null;
    }

    public async ValueTask<IReadOnlyList<StoredTransfer>> GetAccountTransfersAsync(UInt128 accountId, ulong afterTimestamp, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, LedgerLimits.HistoryPageMax);

        // Both per-account indexes are ordered by timestamp (so by log index): each side is a range scan
        // from the cursor, the two are merged and cut to the page.
        await using var command = dataSource.CreateCommand($"""
            SELECT {PostgresRows.TransferColumns} FROM {PostgresRows.TransferFrom}
            WHERE t.log_index IN (
                (SELECT log_index FROM transfers WHERE debit_account_id = $1 AND timestamp > $2 ORDER BY timestamp LIMIT $3)
                UNION
                (SELECT log_index FROM transfers WHERE credit_account_id = $1 AND timestamp > $2 ORDER BY timestamp LIMIT $3))
            ORDER BY t.log_index
            LIMIT $3
            """);
        command.Parameters.Add(PostgresRows.Id(accountId));
        command.Parameters.Add(PostgresRows.BigInt(Cursor(afterTimestamp)));
        command.Parameters.Add(PostgresRows.Integer(limit));
        var page = new List<StoredTransfer>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(PostgresRows.ReadStoredTransfer(reader));
        }

        return page;
    }

    public async ValueTask<IReadOnlyList<AccountBalance>> GetAccountBalancesAsync(UInt128 accountId, ulong afterTimestamp, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, LedgerLimits.HistoryPageMax);
        await using var command = dataSource.CreateCommand("""
            SELECT timestamp, debits_pending, debits_posted, credits_pending, credits_posted FROM account_balances
            WHERE account_id = $1 AND timestamp > $2 ORDER BY timestamp LIMIT $3
            """);
        command.Parameters.Add(PostgresRows.Id(accountId));
        command.Parameters.Add(PostgresRows.BigInt(Cursor(afterTimestamp)));
        command.Parameters.Add(PostgresRows.Integer(limit));
        var page = new List<AccountBalance>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(new AccountBalance(
                accountId,
                PostgresRows.UInt64(reader.GetInt64(0)),
                PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(1)),
                PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(2)),
                PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(3)),
                PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(4))));
        }

        return page;
    }

    public async ValueTask<IReadOnlyList<LedgerTotals>> GetLedgerTotalsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT record FROM accounts");
        var totals = new SortedDictionary<uint, LedgerTotals>();
        var record = new byte[AccountRecord.Size];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var account = AccountRecord.Decode(record.AsSpan(0, (int)reader.GetBytes(0, 0, record, 0, record.Length)));
            totals.TryGetValue(account.Ledger, out var sum);
            totals[account.Ledger] = sum.Plus(account);
        }

        return [.. totals.Values];
    }

    public async ValueTask<ulong?> GetNextExpiryAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT min(expires_at) FROM pending_transfers WHERE status = 1 AND expires_at > 0");
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is long expiry ? PostgresRows.UInt64(expiry) : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        // Waits for a session still open, so its connection goes back before the pool closes.
        await sessionGate.WaitAsync();
        try
        {
            await dataSource.DisposeAsync();
        }
        finally
        {
            sessionGate.Release();
        }
    }

    /// <summary>A history cursor as a bigint: every stored timestamp is below 2^63, so a larger cursor is past them all.</summary>
    private static long Cursor(ulong afterTimestamp) => unchecked((long)Math.Min(afterTimestamp, long.MaxValue));
}
