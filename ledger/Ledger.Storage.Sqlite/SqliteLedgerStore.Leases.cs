using Ledger.Core.Cluster;
using Microsoft.Data.Sqlite;

namespace Ledger.Storage.Sqlite;

/// <summary>
/// Leases in the database file. SQLite has no server clock, so expiry is judged by this process's clock
/// (UTC ticks): the embedded node is a single process, and every holder that can reach this file runs on
/// the same machine. Taking or renewing is one upsert, so two holders racing cannot both win.
/// </summary>
public sealed partial class SqliteLedgerStore : ILeaseStore
{
    // The epoch grows when the lease changes hands or had lapsed; a renewal by the running holder keeps it.
    private const string AcquireSql = """
        INSERT INTO leases AS l (name, holder, epoch, expires_at) VALUES ($name, $holder, 1, $expires)
        ON CONFLICT (name) DO UPDATE SET
            holder = excluded.holder,
            epoch = CASE WHEN l.holder = excluded.holder AND l.expires_at > $now THEN l.epoch ELSE l.epoch + 1 END,
            expires_at = excluded.expires_at
        WHERE l.holder = excluded.holder OR l.expires_at <= $now
        RETURNING name, holder, epoch, expires_at, expires_at <= $now
        """;

    private readonly TimeProvider leaseClock = TimeProvider.System;

    public async ValueTask<LeaseGrant?> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = leaseClock.GetUtcNow().UtcTicks;
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = AcquireSql;
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$holder", holder);
        command.Parameters.AddWithValue("$expires", checked(now + duration.Ticks));
        command.Parameters.AddWithValue("$now", now);
        return await ReadGrantAsync(command, cancellationToken);
    }

    public async ValueTask ReleaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE leases SET expires_at = $now WHERE name = $name AND holder = $holder AND expires_at > $now";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$holder", holder);
        command.Parameters.AddWithValue("$now", leaseClock.GetUtcNow().UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<LeaseGrant?> GetLeaseAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, holder, epoch, expires_at, expires_at <= $now FROM leases WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$now", leaseClock.GetUtcNow().UtcTicks);
        return await ReadGrantAsync(command, cancellationToken);
    }

    private static async Task<LeaseGrant?> ReadGrantAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new LeaseGrant(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero), reader.GetInt64(4) != 0)
            : null;
    }
}
