using System.Diagnostics;
using Ledger.Core.Domain;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Bench;

/// <summary>
/// The conventional way to keep balances in PostgreSQL, as the yardstick for the engine over the same
/// server: one transaction per transfer that locks both account rows (SELECT ... FOR UPDATE, lower id
/// first so two transfers never deadlock), checks the balance limits in the client, updates both rows and
/// inserts the transfer, then commits with PostgreSQL's own durability (fsync on, synchronous_commit on).
/// The accounts and transfers are those of <see cref="Workload"/>: the same number of accounts, the same
/// random pairs and amounts, the same UUIDv7 transfer ids.
/// </summary>
internal static class PostgresBaseline
{
    // Balances are bigint, not a 128-bit type, and the transfers table has only its primary key (no
    // per-account history index): both make each transaction cheaper than the engine's store, so the
    // comparison errs in the baseline's favour.
    private static readonly string[] Schema =
    [
        """
        CREATE TABLE accounts (
            id bigint PRIMARY KEY,
            ledger integer NOT NULL,
            flags integer NOT NULL,
            debits_posted bigint NOT NULL,
            credits_posted bigint NOT NULL
        )
        """,
        """
        CREATE TABLE transfers (
            id uuid PRIMARY KEY,
            debit_account_id bigint NOT NULL,
            credit_account_id bigint NOT NULL,
            amount bigint NOT NULL,
            ledger integer NOT NULL,
            code integer NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
    ];

    public static async Task<double> RunAsync(string connectionString, int accounts, int workers, TimeSpan duration, int transfersMax, TextWriter log)
    {
        var pooled = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = Math.Max(100, workers + 4) }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(pooled);
        await using (var setup = dataSource.CreateBatch())
        {
            foreach (var statement in Schema)
            {
                setup.BatchCommands.Add(new NpgsqlBatchCommand(statement));
            }

            // The workload's accounts carry no flags: like an overdraft or system account, any of them may
            // be debited past its credits. The check below still runs for every transfer.
            var insert = new NpgsqlBatchCommand("INSERT INTO accounts SELECT g, $1, $2, 0, 0 FROM generate_series(1, $3) AS g");
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)Workload.Ledger });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)AccountFlags.None });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = accounts });
            setup.BatchCommands.Add(insert);
            setup.BatchCommands.Add(new NpgsqlBatchCommand("ANALYZE accounts"));
            await setup.ExecuteNonQueryAsync();
        }

        var transfers = Workload.RandomTransfers(new Random(42), accounts, transfersMax);
        var next = -1;
        var committed = 0L;
        var rejected = 0L;
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(async _ =>
        {
            await using var worker = await Worker.OpenAsync(dataSource);
            while (clock.Elapsed < duration)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= transfers.Length)
                {
                    return;
                }

                if (await worker.TransferAsync(transfers[index]))
                {
                    Interlocked.Increment(ref committed);
                }
                else
                {
                    Interlocked.Increment(ref rejected);
                }
            }
        });
        await Task.WhenAll(tasks);
        var seconds = clock.Elapsed.TotalSeconds;

        await using (var check = dataSource.CreateCommand("SELECT (SELECT sum(debits_posted) = sum(credits_posted) FROM accounts), (SELECT count(*) FROM transfers)"))
        await using (var reader = await check.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            if (!reader.GetBoolean(0) || reader.GetInt64(1) != committed)
            {
                throw new InvalidOperationException($"The baseline run left the books unbalanced or lost transfers ({reader.GetInt64(1)} stored, {committed} committed).");
            }
        }

        var tps = committed / seconds;
        log.WriteLine($"pg baseline: {workers} connections, one transaction per transfer: {committed} transfers ({rejected} rejected) in {seconds:F2} s = {tps:F0} transfers/s");
        return tps;
    }

    /// <summary>One connection with its statements prepared once, running one transfer per transaction.</summary>
    private sealed class Worker : IAsyncDisposable
    {
        private readonly NpgsqlConnection connection;
        private readonly NpgsqlCommand lockAccounts;
        private readonly NpgsqlBatch write;

        private Worker(NpgsqlConnection connection)
        {
            this.connection = connection;
            lockAccounts = new NpgsqlCommand("SELECT id, ledger, flags, debits_posted, credits_posted FROM accounts WHERE id = $1 OR id = $2 ORDER BY id FOR UPDATE", connection);
            lockAccounts.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
            lockAccounts.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });

            write = new NpgsqlBatch(connection);
            var debit = new NpgsqlBatchCommand("UPDATE accounts SET debits_posted = debits_posted + $1 WHERE id = $2");
            debit.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
            debit.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
            var credit = new NpgsqlBatchCommand("UPDATE accounts SET credits_posted = credits_posted + $1 WHERE id = $2");
            credit.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
            credit.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
            var insert = new NpgsqlBatchCommand("INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, ledger, code) VALUES ($1, $2, $3, $4, $5, $6)");
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid });
            for (var i = 0; i < 3; i++)
            {
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
            }

            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer });
            write.BatchCommands.Add(debit);
            write.BatchCommands.Add(credit);
            write.BatchCommands.Add(insert);
        }

        public static async Task<Worker> OpenAsync(NpgsqlDataSource dataSource)
        {
            var worker = new Worker(await dataSource.OpenConnectionAsync());
            await worker.lockAccounts.PrepareAsync();
            await worker.write.PrepareAsync();
            return worker;
        }

        /// <summary>Commits the transfer, or rolls back and returns false when the rules refuse it.</summary>
        public async Task<bool> TransferAsync(Transfer transfer)
        {
            var debitId = BaselineAccountId(transfer.DebitAccountId);
            var creditId = BaselineAccountId(transfer.CreditAccountId);
            var amount = checked((long)transfer.Amount);
            await using var transaction = await connection.BeginTransactionAsync();
            lockAccounts.Transaction = transaction;
            write.Transaction = transaction;
            lockAccounts.Parameters[0].Value = debitId;
            lockAccounts.Parameters[1].Value = creditId;
            Row? debit = null;
            Row? credit = null;
            await using (var reader = await lockAccounts.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    var row = new Row(reader.GetInt32(1), (AccountFlags)reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4));
                    if (reader.GetInt64(0) == debitId)
                    {
                        debit = row;
                    }
                    else
                    {
                        credit = row;
                    }
                }
            }

            if (!Allowed(transfer, amount, debit, credit))
            {
                await transaction.RollbackAsync();
                return false;
            }

            var commands = write.BatchCommands;
            commands[0].Parameters[0].Value = amount;
            commands[0].Parameters[1].Value = debitId;
            commands[1].Parameters[0].Value = amount;
            commands[1].Parameters[1].Value = creditId;
            commands[2].Parameters[0].Value = ToGuid(transfer.Id);
            commands[2].Parameters[1].Value = debitId;
            commands[2].Parameters[2].Value = creditId;
            commands[2].Parameters[3].Value = amount;
            commands[2].Parameters[4].Value = (int)transfer.Ledger;
            commands[2].Parameters[5].Value = (int)transfer.Code;
            await write.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            return true;
        }

        public async ValueTask DisposeAsync()
        {
            await write.DisposeAsync();
            await lockAccounts.DisposeAsync();
            await connection.DisposeAsync();
        }

        /// <summary>The engine's rules for a plain posted transfer, as far as this schema holds them.</summary>
        private static bool Allowed(Transfer transfer, long amount, Row? debit, Row? credit)
        {
            if (debit is not { } d || credit is not { } c || transfer.DebitAccountId == transfer.CreditAccountId)
            {
                return false;
            }

            if (d.Ledger != (int)transfer.Ledger || c.Ledger != (int)transfer.Ledger || ((d.Flags | c.Flags) & AccountFlags.Closed) != 0)
            {
                return false;
            }

            if ((d.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0 && d.DebitsPosted + amount > d.CreditsPosted)
            {
                return false;
            }

            return (c.Flags & AccountFlags.CreditsMustNotExceedDebits) == 0 || c.CreditsPosted + amount <= c.DebitsPosted;
        }

        /// <summary><see cref="Workload.AccountId"/> puts the account's index plus one in the high 64 bits.</summary>
        private static long BaselineAccountId(UInt128 accountId) => checked((long)(ulong)(accountId >> 64));

        private static Guid ToGuid(UInt128 id)
        {
            Span<byte> bytes = stackalloc byte[16];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, id);
            return new Guid(bytes, bigEndian: true);
        }

        private readonly record struct Row(int Ledger, AccountFlags Flags, long DebitsPosted, long CreditsPosted);
    }
}
