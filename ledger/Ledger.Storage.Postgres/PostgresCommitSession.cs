using Ledger.Core.Codec;
using Ledger.Core.Domain;
using Ledger.Core.Merkle;
using Ledger.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Storage.Postgres;

/// <summary>
/// One write transaction. It takes the commit advisory lock before its first read, so what the state
/// machine loads cannot change under it and every node's commits form one total order; the default READ
/// COMMITTED isolation then reads the latest committed head. Loads take a whole id set in one statement;
/// inserts go by binary COPY and updates by one statement per table over array parameters, so a commit
/// costs a fixed number of round trips whatever its size. Disposing without committing rolls back; a
/// process that dies mid-session loses its connection and the server rolls back for it.
/// </summary>
internal sealed class PostgresCommitSession : ICommitSession
{
    public const string ReadHeadSql = "SELECT last_timestamp, log_size FROM ledger_head WHERE singleton = 1";

    private const string UpdateAccountsSql = """
        UPDATE accounts AS a SET record = u.record
        FROM unnest($1::bytea[], $2::bigint[], $3::bytea[], $4::bytea[]) AS u(id, ledger, owner_id, record)
        WHERE a.id = u.id AND a.ledger = u.ledger AND a.owner_id = u.owner_id
        """;

    private const string UpdatePendingSql = """
        UPDATE pending_transfers AS p SET status = u.status, expires_at = u.expires_at, resolved_at = u.resolved_at
        FROM unnest($1::bytea[], $2::smallint[], $3::bigint[], $4::bigint[]) AS u(id, status, expires_at, resolved_at)
        WHERE p.id = u.id
        """;

    private const string UpdateHeadSql = "UPDATE ledger_head SET last_timestamp = $1, log_size = $2 WHERE singleton = 1 AND log_size = $3";

    private readonly NpgsqlConnection connection;
    private readonly SemaphoreSlim gate;
    private readonly byte[] record = new byte[Math.Max(AccountRecord.Size, TransferRecord.Size)];
    private NpgsqlTransaction? transaction;
    private bool released;

    private PostgresCommitSession(NpgsqlConnection connection, SemaphoreSlim gate)
    {
        this.connection = connection;
        this.gate = gate;
    }

    public LedgerHead Head { get; private set; }

    /// <summary>
    /// Opens the transaction on <paramref name="connection"/>, waits for the commit lock, then reads the
    /// head. The lock and the read are two statements: under READ COMMITTED each statement takes its
    /// snapshot when it starts, so the read sees every commit made before the lock was granted.
    /// </summary>
    public static async Task<PostgresCommitSession> BeginAsync(NpgsqlConnection connection, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var session = new PostgresCommitSession(connection, gate)
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken),
        };
        await using var batch = new NpgsqlBatch(connection, session.transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({AdvisoryLocks.Commit})"),
                new NpgsqlBatchCommand(ReadHeadSql),
            },
        };
        await batch.PrepareAsync(cancellationToken);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        session.Head = await ReadHeadAsync(reader, cancellationToken);
        return session;
    }

    public static async Task<LedgerHead> ReadHeadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The ledger head row is missing.");
        }

        return new LedgerHead(PostgresRows.UInt64(reader.GetInt64(0)), PostgresRows.UInt64(reader.GetInt64(1)));
    }

    public ValueTask LoadAccountsAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, Account> into, CancellationToken cancellationToken) =>
        LoadByIdsAsync("SELECT record FROM accounts", ids, reader =>
        {
            var account = AccountRecord.Decode(ReadRecord(reader, AccountRecord.Size));
            into[account.Id] = account;
        }, cancellationToken);

    public ValueTask LoadTransfersAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, Transfer> into, CancellationToken cancellationToken) =>
        LoadByIdsAsync("SELECT record FROM transfers", ids, reader =>
        {
            var transfer = TransferRecord.Decode(ReadRecord(reader, TransferRecord.Size));
            into[transfer.Id] = transfer;
        }, cancellationToken);

    public ValueTask LoadPendingAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, PendingState> into, CancellationToken cancellationToken) =>
        LoadByIdsAsync("SELECT id, status, expires_at, resolved_at FROM pending_transfers", ids, reader =>
        {
            var state = PostgresRows.ReadPending(reader);
            into[state.Id] = state;
        }, cancellationToken);

    public async ValueTask<IReadOnlyList<PendingState>> LoadExpiredPendingAsync(ulong now, int limit, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            SELECT id, status, expires_at, resolved_at FROM pending_transfers
            WHERE status = 1 AND expires_at > 0 AND expires_at <= $1 ORDER BY expires_at LIMIT $2
            """);
        command.Parameters.Add(PostgresRows.BigInt(PostgresRows.Int64(Math.Min(now, long.MaxValue))));
        command.Parameters.Add(PostgresRows.Integer(limit));
        await command.PrepareAsync(cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var expired = new List<PendingState>();
        while (await reader.ReadAsync(cancellationToken))
        {
            expired.Add(PostgresRows.ReadPending(reader));
        }

        return expired;
    }

    public async ValueTask<IReadOnlyList<MerkleNode>> LoadMerkleFrontierAsync(ulong size, CancellationToken cancellationToken)
    {
        await using var command = Command(string.Empty);
        return await PostgresMerkleNodes.ReadFrontierAsync(command, size, cancellationToken);
    }

    public async ValueTask CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.PreviousHead != Head)
        {
            throw new InvalidOperationException("The batch was computed against another head.");
        }

        var open = transaction ?? throw new InvalidOperationException("The session is not open.");

        // Inserts first: a pending transfer created and resolved in one batch is updated after its row exists.
        await CopyAccountsAsync(batch.AccountsCreated, cancellationToken);
        await CopyTransfersAsync(batch.TransfersCreated, batch.PreviousHead.LogSize, cancellationToken);
        await PostgresMerkleNodes.WriteAsync(connection, batch.MerkleNodes, cancellationToken);
        await CopyPendingAsync(batch.PendingCreated, cancellationToken);
        await CopyBalancesAsync(batch.BalancesRecorded, cancellationToken);
        await UpdateAsync(batch, cancellationToken);
        await open.CommitAsync(cancellationToken);
        await open.DisposeAsync();
        transaction = null;
        Head = batch.NewHead;
    }

    public async ValueTask DisposeAsync()
    {
        if (released)
        {
            return;
        }

        released = true;
        try
        {
            if (transaction is not null)
            {
                // Disposing a transaction that did not commit rolls it back.
                await transaction.DisposeAsync();
            }
        }
        finally
        {
            transaction = null;
            try
            {
                await connection.DisposeAsync();
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>Runs <paramref name="select"/> for every row whose id is among <paramref name="ids"/>, in one statement.</summary>
    private async ValueTask LoadByIdsAsync(string select, IReadOnlyCollection<UInt128> ids, Action<NpgsqlDataReader> onRow, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await using var command = Command(select + " WHERE id = ANY($1)");
        command.Parameters.Add(PostgresRows.IdArray(ids));
        await command.PrepareAsync(cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            onRow(reader);
        }
    }

    private ReadOnlySpan<byte> ReadRecord(NpgsqlDataReader reader, int size)
    {
        var length = reader.GetBytes(0, 0, record, 0, record.Length);
        return length == size
            ? record.AsSpan(0, size)
            : throw new InvalidOperationException($"A stored record is {length} bytes, not {size}.");
    }

    private async Task CopyAccountsAsync(IReadOnlyList<Account> accounts, CancellationToken cancellationToken)
    {
        if (accounts.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync("COPY accounts (id, ledger, owner_id, record) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var account in accounts)
        {
            AccountRecord.Encode(account, record);
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(new ArraySegment<byte>(record, 0, 16), NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync((long)account.Ledger, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(new ArraySegment<byte>(record, 80, 16), NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(new ArraySegment<byte>(record, 0, AccountRecord.Size), NpgsqlDbType.Bytea, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private async Task CopyTransfersAsync(IReadOnlyList<Transfer> transfers, ulong firstLogIndex, CancellationToken cancellationToken)
    {
        if (transfers.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY transfers (log_index, id, debit_account_id, credit_account_id, timestamp, record) FROM STDIN (FORMAT BINARY)", cancellationToken);
        var logIndex = PostgresRows.Int64(firstLogIndex);
        foreach (var transfer in transfers)
        {
            TransferRecord.Encode(transfer, record);
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(logIndex++, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(new ArraySegment<byte>(record, 0, 16), NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(new ArraySegment<byte>(record, 16, 16), NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(new ArraySegment<byte>(record, 32, 16), NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(PostgresRows.Int64(transfer.Timestamp), NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(new ArraySegment<byte>(record, 0, TransferRecord.Size), NpgsqlDbType.Bytea, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private async Task CopyPendingAsync(IReadOnlyList<PendingState> states, CancellationToken cancellationToken)
    {
        if (states.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync("COPY pending_transfers (id, status, expires_at, resolved_at) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var state in states)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(PostgresRows.Bytes(state.Id), NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync((short)state.Status, NpgsqlDbType.Smallint, cancellationToken);
            await copy.WriteAsync(PostgresRows.Int64(state.ExpiresAt), NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(PostgresRows.Int64(state.ResolvedAt), NpgsqlDbType.Bigint, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private async Task CopyBalancesAsync(IReadOnlyList<AccountBalance> balances, CancellationToken cancellationToken)
    {
        if (balances.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY account_balances (account_id, timestamp, debits_pending, debits_posted, credits_pending, credits_posted) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var balance in balances)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(PostgresRows.Bytes(balance.AccountId), NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(PostgresRows.Int64(balance.Timestamp), NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(PostgresRows.Bytes(balance.DebitsPending), NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(PostgresRows.Bytes(balance.DebitsPosted), NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(PostgresRows.Bytes(balance.CreditsPending), NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(PostgresRows.Bytes(balance.CreditsPosted), NpgsqlDbType.Bytea, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// The account and pending updates and the guarded head update, in one round trip. Each must change
    /// exactly as many rows as it was given: fewer means an immutable field changed, a row vanished, or
    /// (for the head) another writer moved the log, and the transaction must not commit.
    /// </summary>
    private async Task UpdateAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlBatch(connection, transaction);
        if (batch.AccountsUpdated.Count > 0)
        {
            update.BatchCommands.Add(AccountUpdate(batch.AccountsUpdated));
        }

        if (batch.PendingUpdated.Count > 0)
        {
            update.BatchCommands.Add(PendingUpdate(batch.PendingUpdated));
        }

        var head = new NpgsqlBatchCommand(UpdateHeadSql)
        {
            Parameters =
            {
                PostgresRows.BigInt(PostgresRows.Int64(batch.NewHead.LastTimestamp)),
                PostgresRows.BigInt(PostgresRows.Int64(batch.NewHead.LogSize)),
                PostgresRows.BigInt(PostgresRows.Int64(batch.PreviousHead.LogSize)),
            },
        };
        update.BatchCommands.Add(head);
        await update.PrepareAsync(cancellationToken);
        await update.ExecuteNonQueryAsync(cancellationToken);

        var index = 0;
        if (batch.AccountsUpdated.Count > 0 && update.BatchCommands[index++].RecordsAffected != batch.AccountsUpdated.Count)
        {
            throw new InvalidOperationException($"{batch.AccountsUpdated.Count} accounts were to be updated; not all could be written.");
        }

        if (batch.PendingUpdated.Count > 0 && update.BatchCommands[index++].RecordsAffected != batch.PendingUpdated.Count)
        {
            throw new InvalidOperationException($"{batch.PendingUpdated.Count} pending states were to be updated; not all could be written.");
        }

        if (head.RecordsAffected != 1)
        {
            throw new InvalidOperationException("The ledger head moved during the commit.");
        }
    }

    private static NpgsqlBatchCommand AccountUpdate(IReadOnlyList<Account> accounts)
    {
        var ids = new byte[accounts.Count][];
        var ledgers = new long[accounts.Count];
        var owners = new byte[accounts.Count][];
        var records = new byte[accounts.Count][];
        for (var i = 0; i < accounts.Count; i++)
        {
            ids[i] = PostgresRows.Bytes(accounts[i].Id);
            ledgers[i] = accounts[i].Ledger;
            owners[i] = PostgresRows.Bytes(accounts[i].UserData128);
            records[i] = AccountRecord.Encode(accounts[i]);
        }

        return new NpgsqlBatchCommand(UpdateAccountsSql)
        {
            Parameters = { PostgresRows.ByteaArray(ids), PostgresRows.BigIntArray(ledgers), PostgresRows.ByteaArray(owners), PostgresRows.ByteaArray(records) },
        };
    }

    private static NpgsqlBatchCommand PendingUpdate(IReadOnlyList<PendingState> states)
    {
        var ids = new byte[states.Count][];
        var statuses = new short[states.Count];
        var expiries = new long[states.Count];
        var resolutions = new long[states.Count];
        for (var i = 0; i < states.Count; i++)
        {
            ids[i] = PostgresRows.Bytes(states[i].Id);
            statuses[i] = (short)states[i].Status;
            expiries[i] = PostgresRows.Int64(states[i].ExpiresAt);
            resolutions[i] = PostgresRows.Int64(states[i].ResolvedAt);
        }

        return new NpgsqlBatchCommand(UpdatePendingSql)
        {
            Parameters =
            {
                PostgresRows.ByteaArray(ids),
                new NpgsqlParameter<short[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint, TypedValue = statuses },
                PostgresRows.BigIntArray(expiries),
                PostgresRows.BigIntArray(resolutions),
            },
        };
    }

    private NpgsqlCommand Command(string sql) =>
        transaction is null ? throw new InvalidOperationException("The session is not open.") : new NpgsqlCommand(sql, connection, transaction);
}
