using Ledger.Storage.Postgres;
using Npgsql;

namespace Ledger.Core.Tests.Infrastructure;

/// <summary>
/// Several PostgreSQL stores over one fresh database of <see cref="PostgresStoreFixture"/>: what the nodes
/// of a cluster each hold. Disposing this disposes every store.
/// </summary>
public sealed class PostgresNodes : IAsyncDisposable
{
    private PostgresNodes(string connectionString, PostgresLedgerStore[] stores)
    {
        ConnectionString = connectionString;
        Stores = stores;
    }

    public string ConnectionString { get; }

    public string Database => new NpgsqlConnectionStringBuilder(ConnectionString).Database!;

    public IReadOnlyList<PostgresLedgerStore> Stores { get; }

    /// <summary>Makes <paramref name="count"/> stores over a new database; initialises them one after another when <paramref name="initialize"/> is set.</summary>
    public static async Task<PostgresNodes> CreateAsync(PostgresStoreFixture fixture, int count, bool initialize, CancellationToken cancellationToken)
    {
        var connectionString = await fixture.NewDatabaseConnectionStringAsync(cancellationToken);
        var nodes = new PostgresNodes(connectionString, [.. Enumerable.Range(0, count).Select(_ => new PostgresLedgerStore(connectionString))]);
        try
        {
            foreach (var store in initialize ? nodes.Stores : [])
            {
                await store.InitializeAsync(cancellationToken);
            }
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }

        return nodes;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in Stores)
        {
            await store.DisposeAsync();
        }
    }
}
