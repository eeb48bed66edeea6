using Ledger.Core.Codec;
using Ledger.Core.Domain;
using Ledger.Core.Merkle;
using Ledger.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Ledger.Storage.Sqlite;

/// <summary>
/// One write transaction on the writer connection (BEGIN IMMEDIATE, so the database write lock is held
/// from the first read: what the state machine loads cannot change under it). Loads take a whole id set
/// in one statement; writes reuse prepared statements.
/// </summary>
internal sealed class SqliteCommitSession : ICommitSession
{
    private readonly SqliteConnection connection;
    private readonly SemaphoreSlim gate;
    private SqliteTransaction? transaction;
    private bool released;

    public SqliteCommitSession(SqliteConnection connection, SemaphoreSlim gate)
    {
        this.connection = connection;
        this.gate = gate;
    }

    public LedgerHead Head { get; private set; }

    public void Begin()
    {
        transaction = connection.BeginTransaction(deferred: false);
        Head = SqliteLedgerStore.ReadHead(connection, transaction);
    }

    public ValueTask LoadAccountsAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, Account> into, CancellationToken cancellationToken)
    {
        LoadByIds("SELECT record FROM accounts", ids, select =>
        {
            var account = AccountRecord.Decode(select.Blob(0));
            into[account.Id] = account;
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask LoadTransfersAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, Transfer> into, CancellationToken cancellationToken)
    {
        LoadByIds("SELECT record FROM transfers", ids, select =>
        {
            var transfer = TransferRecord.Decode(select.Blob(0));
            into[transfer.Id] = transfer;
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask LoadPendingAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, PendingState> into, CancellationToken cancellationToken)
    {
        LoadByIds("SELECT id, status, expires_at, resolved_at FROM pending_transfers", ids, select =>
        {
            var state = new PendingState(
                System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(select.Blob(0)),
                (PendingStatus)select.Int64(1),
                Blob.ToUInt64(select.Int64(2)),
                Blob.ToUInt64(select.Int64(3)));
            into[state.Id] = state;
        });
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs <paramref name="select"/> for every row whose id is among <paramref name="ids"/>, in one statement.</summary>
    private void LoadByIds(string select, IReadOnlyCollection<UInt128> ids, Action<RawStatement> onRow)
    {
        if (ids.Count == 0)
        {
            return;
        }

        using var statement = Raw(select + " WHERE id IN (SELECT unhex(value) FROM json_each(?1))");
        statement.Bind(1, SqliteRows.HexArray(ids));
        while (statement.Read())
        {
            onRow(statement);
        }
    }

    public ValueTask<IReadOnlyList<PendingState>> LoadExpiredPendingAsync(ulong now, int limit, CancellationToken cancellationToken)
    {
        using var command = Command("""
            SELECT id, status, expires_at, resolved_at FROM pending_transfers
            WHERE status = 1 AND expires_at > 0 AND expires_at <= $now ORDER BY expires_at LIMIT $limit
            """);
        command.Parameters.AddWithValue("$now", Blob.From(Math.Min(now, long.MaxValue)));
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var expired = new List<PendingState>();
        while (reader.Read())
        {
            expired.Add(ReadPending(reader));
        }

        return ValueTask.FromResult<IReadOnlyList<PendingState>>(expired);
    }

    public ValueTask<IReadOnlyList<MerkleNode>> LoadMerkleFrontierAsync(ulong size, CancellationToken cancellationToken) =>
        transaction is null
            ? throw new InvalidOperationException("The session is not open.")
            : ValueTask.FromResult(SqliteMerkleNodes.ReadFrontier(connection, size));

    public ValueTask CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.PreviousHead != Head)
        {
            throw new InvalidOperationException("The batch was computed against another head.");
        }

        WriteAccounts(batch.AccountsCreated, insert: true);
        WriteAccounts(batch.AccountsUpdated, insert: false);
        WriteTransfers(batch.TransfersCreated, batch.PreviousHead.LogSize);
        SqliteMerkleNodes.Write(connection, batch.MerkleNodes);
        WritePending(batch.PendingCreated, "INSERT INTO pending_transfers (id, status, expires_at, resolved_at) VALUES ($id, $status, $expires, $resolved)");
        WritePending(batch.PendingUpdated, "UPDATE pending_transfers SET status = $status, expires_at = $expires, resolved_at = $resolved WHERE id = $id");
        WriteBalances(batch.BalancesRecorded);
        using (var head = Command("UPDATE ledger_head SET last_timestamp = $ts, log_size = $size WHERE singleton = 1 AND log_size = $previous"))
        {
            head.Parameters.AddWithValue("$ts", Blob.From(batch.NewHead.LastTimestamp));
            head.Parameters.AddWithValue("$size", Blob.From(batch.NewHead.LogSize));
            head.Parameters.AddWithValue("$previous", Blob.From(batch.PreviousHead.LogSize));
            if (head.ExecuteNonQuery() != 1)
            {
                throw new InvalidOperationException("The ledger head moved during the commit.");
            }
        }

        transaction!.Commit();
        transaction.Dispose();
        transaction = null;
        Head = batch.NewHead;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (!released)
        {
            released = true;
            try
            {
                transaction?.Rollback();
                transaction?.Dispose();
            }
            finally
            {
                transaction = null;
                gate.Release();
            }
        }

        return ValueTask.CompletedTask;
    }

    private void WriteAccounts(IReadOnlyList<Account> accounts, bool insert)
    {
        if (accounts.Count == 0)
        {
            return;
        }

        using var write = Raw(insert
            ? "INSERT INTO accounts (id, ledger, owner_id, record) VALUES (?1, ?2, ?3, ?4)"
            : "UPDATE accounts SET record = ?4 WHERE id = ?1 AND ledger = ?2 AND owner_id = ?3");
        Span<byte> record = stackalloc byte[AccountRecord.Size];
        foreach (var a in accounts)
        {
            AccountRecord.Encode(a, record);
            write.Bind(1, record[0..16]);
            write.Bind(2, a.Ledger);
            write.Bind(3, record[80..96]);
            write.Bind(4, record);
            if (write.Execute() != 1)
            {
                // An update that matches no row means an immutable field changed or the row vanished.
                throw new InvalidOperationException($"Account {Uuid.Format(a.Id)} could not be written.");
            }
        }
    }

    private void WriteTransfers(IReadOnlyList<Transfer> transfers, ulong firstLogIndex)
    {
        if (transfers.Count == 0)
        {
            return;
        }

        using var insert = Raw("INSERT INTO transfers (log_index, id, debit_account_id, credit_account_id, timestamp, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        Span<byte> record = stackalloc byte[TransferRecord.Size];
        var logIndex = Blob.From(firstLogIndex);
        foreach (var t in transfers)
        {
            TransferRecord.Encode(t, record);
            insert.Bind(1, logIndex++);
            insert.Bind(2, record[0..16]);
            insert.Bind(3, record[16..32]);
            insert.Bind(4, record[32..48]);
            insert.Bind(5, Blob.From(t.Timestamp));
            insert.Bind(6, record);
            insert.Execute();
        }
    }

    private void WritePending(IReadOnlyList<PendingState> states, string sql)
    {
        if (states.Count == 0)
        {
            return;
        }

        using var command = Command(sql);
        var id = command.Parameters.Add("$id", SqliteType.Blob);
        var status = command.Parameters.Add("$status", SqliteType.Integer);
        var expires = command.Parameters.Add("$expires", SqliteType.Integer);
        var resolved = command.Parameters.Add("$resolved", SqliteType.Integer);
        command.Prepare();
        foreach (var state in states)
        {
            id.Value = Blob.From(state.Id);
            status.Value = (long)state.Status;
            expires.Value = Blob.From(state.ExpiresAt);
            resolved.Value = Blob.From(state.ResolvedAt);
            if (command.ExecuteNonQuery() != 1)
            {
                throw new InvalidOperationException($"Pending state {Uuid.Format(state.Id)} could not be written.");
            }
        }
    }

    private void WriteBalances(IReadOnlyList<AccountBalance> balances)
    {
        if (balances.Count == 0)
        {
            return;
        }

        using var command = Command("INSERT INTO account_balances VALUES ($a, $ts, $dp, $dpo, $cp, $cpo)");
        var account = command.Parameters.Add("$a", SqliteType.Blob);
        var ts = command.Parameters.Add("$ts", SqliteType.Integer);
        var dp = command.Parameters.Add("$dp", SqliteType.Blob);
        var dpo = command.Parameters.Add("$dpo", SqliteType.Blob);
        var cp = command.Parameters.Add("$cp", SqliteType.Blob);
        var cpo = command.Parameters.Add("$cpo", SqliteType.Blob);
        command.Prepare();
        foreach (var b in balances)
        {
            account.Value = Blob.From(b.AccountId);
            ts.Value = Blob.From(b.Timestamp);
            dp.Value = Blob.From(b.DebitsPending);
            dpo.Value = Blob.From(b.DebitsPosted);
            cp.Value = Blob.From(b.CreditsPending);
            cpo.Value = Blob.From(b.CreditsPosted);
            command.ExecuteNonQuery();
        }
    }

    private RawStatement Raw(string sql) =>
        transaction is null ? throw new InvalidOperationException("The session is not open.") : new RawStatement(connection, sql);

    private static PendingState ReadPending(SqliteDataReader reader) => new(
        Blob.ToUInt128((byte[])reader[0]),
        (PendingStatus)reader.GetInt64(1),
        Blob.ToUInt64(reader.GetInt64(2)),
        Blob.ToUInt64(reader.GetInt64(3)));

    private SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction ?? throw new InvalidOperationException("The session is not open.");
        command.CommandText = sql;
        return command;
    }
}
