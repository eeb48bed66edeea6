using Microsoft.Data.Sqlite;

namespace Ledger.Storage.Sqlite;

/// <summary>
/// The schema, as numbered migrations applied in order inside one transaction each. A database records
/// the last migration it has; running the list twice changes nothing.
/// </summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE ledger_head (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            last_timestamp INTEGER NOT NULL,
            log_size INTEGER NOT NULL);
        INSERT INTO ledger_head VALUES (1, 0, 0);

        -- The 128-byte account record (AccountRecord) is the row's content; ledger and owner are copied
        -- out of it for the totals and owner queries. A commit rewrites only the record.
        CREATE TABLE accounts (
            id BLOB PRIMARY KEY,
            ledger INTEGER NOT NULL,
            owner_id BLOB NOT NULL,
            record BLOB NOT NULL) WITHOUT ROWID;
        CREATE INDEX accounts_by_owner ON accounts (owner_id);

        -- The log: log_index is the rowid, so the debit and credit indexes are ordered by log index too.
        -- The 128-byte record is the row's content; the other columns are its indexed fields.
        CREATE TABLE transfers (
            log_index INTEGER PRIMARY KEY,
            id BLOB NOT NULL,
            debit_account_id BLOB NOT NULL,
            credit_account_id BLOB NOT NULL,
            timestamp INTEGER NOT NULL,
            record BLOB NOT NULL);
        CREATE UNIQUE INDEX transfers_by_id ON transfers (id);
        CREATE INDEX transfers_by_debit ON transfers (debit_account_id);
        CREATE INDEX transfers_by_credit ON transfers (credit_account_id);

        CREATE TABLE pending_transfers (
            id BLOB PRIMARY KEY,
            status INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            resolved_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX pending_by_expiry ON pending_transfers (expires_at) WHERE status = 1 AND expires_at > 0;

        CREATE TABLE account_balances (
            account_id BLOB NOT NULL,
            timestamp INTEGER NOT NULL,
            debits_pending BLOB NOT NULL,
            debits_posted BLOB NOT NULL,
            credits_pending BLOB NOT NULL,
            credits_posted BLOB NOT NULL,
            PRIMARY KEY (account_id, timestamp)) WITHOUT ROWID;

        CREATE TABLE participants (
            id BLOB PRIMARY KEY,
            name TEXT NOT NULL,
            role INTEGER NOT NULL,
            country TEXT NOT NULL,
            kyc_status INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            api_key_hash BLOB NOT NULL UNIQUE) WITHOUT ROWID;

        CREATE TABLE currencies (
            code TEXT PRIMARY KEY,
            ledger INTEGER NOT NULL UNIQUE,
            scale INTEGER NOT NULL) WITHOUT ROWID;
        """,
        """
        -- Leases (ILeaseStore). expires_at is in UTC ticks of the local clock: the embedded node is one
        -- process, so its own clock is the only one that judges them.
        CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            epoch INTEGER NOT NULL,
            expires_at INTEGER NOT NULL) WITHOUT ROWID;
        """,
        SqliteMerkleNodes.Migration,
        SqliteSettlementSchema.Migration,
        SqlitePaymentSchema.Migration,
        SqlitePayoutSchema.Migration,
        SqliteEscrowSchema.Migration,
        SqlitePayoutSchema.FailedIndexMigration,
    ];

    public static int Latest => Migrations.Length;

    public static void Apply(SqliteConnection connection)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";
            create.ExecuteNonQuery();
        }

        for (var version = 1; version <= Migrations.Length; version++)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            using var check = connection.CreateCommand();
            check.Transaction = transaction;
            check.CommandText = "SELECT count(*) FROM schema_migrations WHERE version = $v";
            check.Parameters.AddWithValue("$v", version);
            if ((long)check.ExecuteScalar()! > 0)
            {
                continue;
            }

            using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = Migrations[version - 1];
            migrate.ExecuteNonQuery();
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations VALUES ($v, $at)";
            record.Parameters.AddWithValue("$v", version);
            record.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O"));
            record.ExecuteNonQuery();
            transaction.Commit();
        }
    }
}
