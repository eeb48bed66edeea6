using Ledger.Core.Cluster;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Storage.Postgres;

/// <summary>
/// Leases in the shared database, judged by the server's clock (now()), the one clock every node agrees
/// on. Taking or renewing is one statement, so two nodes racing for a free lease cannot both win: the
/// row lock of the upsert orders them and the loser sees the winner's running lease.
/// </summary>
public sealed partial class PostgresLedgerStore : ILeaseStore
{
    // The epoch grows when the lease changes hands or had lapsed; a renewal by the running holder keeps it.
    private const string AcquireSql = """
        INSERT INTO leases AS l (name, holder, epoch, expires_at) VALUES ($1, $2, 1, now() + $3)
        ON CONFLICT (name) DO UPDATE SET
            holder = excluded.holder,
            epoch = CASE WHEN l.holder = excluded.holder AND l.expires_at > now() THEN l.epoch ELSE l.epoch + 1 END,
            expires_at = excluded.expires_at
        WHERE l.holder = excluded.holder OR l.expires_at <= now()
        RETURNING name, holder, epoch, expires_at, expires_at <= now()
        """;

    public async ValueTask<LeaseGrant?> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        await using var command = dataSource.CreateCommand(AcquireSql);
        command.Parameters.Add(PostgresRows.Text(name));
        command.Parameters.Add(PostgresRows.Text(holder));
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { NpgsqlDbType = NpgsqlDbType.Interval, TypedValue = duration });
        return await ReadGrantAsync(command, cancellationToken);
    }

    public async ValueTask ReleaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        await using var command = dataSource.CreateCommand("UPDATE leases SET expires_at = now() WHERE name = $1 AND holder = $2 AND expires_at > now()");
        command.Parameters.Add(PostgresRows.Text(name));
        command.Parameters.Add(PostgresRows.Text(holder));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<LeaseGrant?> GetLeaseAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await using var command = dataSource.CreateCommand("SELECT name, holder, epoch, expires_at, expires_at <= now() FROM leases WHERE name = $1");
        command.Parameters.Add(PostgresRows.Text(name));
        return await ReadGrantAsync(command, cancellationToken);
    }

    private static async Task<LeaseGrant?> ReadGrantAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new LeaseGrant(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetBoolean(4))
            : null;
    }
}
