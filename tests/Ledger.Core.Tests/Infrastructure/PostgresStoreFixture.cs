using Ledger.Core.Storage;
using Ledger.Storage.Postgres;
using Npgsql;

namespace Ledger.Core.Tests.Infrastructure;

/// <summary>
/// PostgreSQL stores on the server named by <c>LEDGER_TEST_PG</c> (<c>scripts/test.sh</c> starts one and
/// sets it). The fixture makes one database of its own; every store gets a fresh, empty schema in it (the
/// store's search path), which it migrates itself. A schema costs a few milliseconds where a database
/// per store costs far more: PostgreSQL 15 copies a 7.5 MB template per CREATE DATABASE and checkpoints
/// on every DROP DATABASE. Tests that need whole databases (several nodes, concurrent migrations) ask
/// for them with <see cref="NewDatabaseConnectionStringAsync"/>. Everything is dropped at the end.
/// </summary>
public sealed class PostgresStoreFixture : ILedgerStoreFixture, IAsyncLifetime
{
    public const string ServerVariable = "LEDGER_TEST_PG";

    private readonly NpgsqlConnectionStringBuilder server;
    private readonly NpgsqlDataSource admin;
    private readonly string prefix = $"ledger_test_{Guid.NewGuid():N}";
    private readonly List<string> databases = [];
    private readonly Dictionary<ILedgerStore, string> storeConnectionStrings = new(ReferenceEqualityComparer.Instance);
    private readonly Lock gate = new();
    private NpgsqlDataSource? schemas;
    private string? schemaDatabase;
    private int count;

    public PostgresStoreFixture()
    {
        var connectionString = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"The PostgreSQL store tests need a server: {ServerVariable} is not set. Run `make test` (it starts one), " +
                $"or start one with `scripts/postgres.sh start <folder>` and export {ServerVariable} as the connection string it prints.");
        }

        server = new NpgsqlConnectionStringBuilder(connectionString);
        admin = NpgsqlDataSource.Create(server);
    }

    public string Name => "postgres";

    /// <summary>Makes the database that holds this fixture's store schemas.</summary>
    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(LedgerHarness.Deadline);
        schemaDatabase = await NewDatabaseAsync(timeout.Token);
        schemas = NpgsqlDataSource.Create(ConnectionString(schemaDatabase, schema: null));
    }

    public async Task<ILedgerStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var schema = $"store_{Interlocked.Increment(ref count)}";
        var (database, source) = schemaDatabase is not null && schemas is not null
            ? (schemaDatabase, schemas)
            : throw new InvalidOperationException("The fixture is not initialised.");
        await using (var create = source.CreateCommand($"CREATE SCHEMA {schema}"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return await OpenAsync(ConnectionString(database, schema), cancellationToken);
    }

    public Task<ILedgerStore> OpenAgainAsync(ILedgerStore store, CancellationToken cancellationToken)
    {
        string connectionString;
        lock (gate)
        {
            connectionString = storeConnectionStrings[store];
        }

        return OpenAsync(connectionString, cancellationToken);
    }

    public async Task ExecuteSqlAsync(ILedgerStore store, string sql, CancellationToken cancellationToken)
    {
        string connectionString;
        lock (gate)
        {
            connectionString = storeConnectionStrings[store];
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A new, empty database no store has initialised yet, dropped with the fixture. Returns its connection string.</summary>
    public async Task<string> NewDatabaseConnectionStringAsync(CancellationToken cancellationToken) =>
        ConnectionString(await NewDatabaseAsync(cancellationToken), schema: null);

    /// <summary>A connection to the server's own database, for statements outside the ledger's (ending a session, reading pg_locks).</summary>
    public ValueTask<NpgsqlConnection> OpenAdminConnectionAsync(CancellationToken cancellationToken) => admin.OpenConnectionAsync(cancellationToken);

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (schemas is not null)
        {
            await schemas.DisposeAsync();
        }

        List<string> toDrop;
        lock (gate)
        {
            toDrop = [.. databases];
        }

        using var timeout = new CancellationTokenSource(LedgerHarness.Deadline);
        foreach (var database in toDrop)
        {
            await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            await drop.ExecuteNonQueryAsync(timeout.Token);
        }

        await admin.DisposeAsync();
    }

    private async Task<string> NewDatabaseAsync(CancellationToken cancellationToken)
    {
        string database;
        lock (gate)
        {
            database = $"{prefix}_{databases.Count}";
            databases.Add(database);
        }

        // Names are made here from a GUID and a counter, never from input, so they are safe to splice.
        await using var create = admin.CreateCommand($"CREATE DATABASE {database}");
        await create.ExecuteNonQueryAsync(cancellationToken);
        return database;
    }

    private async Task<ILedgerStore> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var store = await StoreStart.InitializedAsync(new PostgresLedgerStore(connectionString), cancellationToken);
        lock (gate)
        {
            storeConnectionStrings[store] = connectionString;
        }

        return store;
    }

    private string ConnectionString(string database, string? schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database };
        if (schema is not null)
        {
            builder.SearchPath = schema;
        }

        return builder.ConnectionString;
    }
}
