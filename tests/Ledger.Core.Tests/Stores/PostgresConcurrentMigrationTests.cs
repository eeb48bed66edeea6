using Ledger.Core.Directory;
using Ledger.Core.Tests.Infrastructure;
using Npgsql;

namespace Ledger.Core.Tests.Stores;

/// <summary>Nodes of a cluster start at the same moment over one fresh database: each migrates or finds it migrated, none fails.</summary>
public sealed class PostgresConcurrentMigrationTests(PostgresStoreFixture fixture) : IClassFixture<PostgresStoreFixture>
{
    private const int Nodes = 4;

    [Fact]
    public async Task Stores_initialising_one_fresh_database_at_once_all_succeed_and_migrate_once()
    {
        using var deadline = new CancellationTokenSource(LedgerHarness.Deadline);
        await using var nodes = await PostgresNodes.CreateAsync(fixture, Nodes, initialize: false, deadline.Token);
        using var start = new ManualResetEventSlim(false);
        var starting = nodes.Stores.Select(store => Task.Run(async () =>
        {
            start.Wait(deadline.Token);
            await store.InitializeAsync(deadline.Token);
        })).ToArray();
        start.Set();
        await Task.WhenAll(starting);

        await using var connection = new NpgsqlConnection(nodes.ConnectionString);
        await connection.OpenAsync(deadline.Token);
        await using (var versions = new NpgsqlCommand("SELECT count(*), count(DISTINCT version), min(version), max(version) FROM schema_migrations", connection))
        await using (var reader = await versions.ExecuteReaderAsync(deadline.Token))
        {
            Assert.True(await reader.ReadAsync(deadline.Token));
            var (rows, distinct, first, last) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetInt32(3));
            Assert.Equal((rows, 1), (distinct, first));
            Assert.Equal(rows, last);
        }

        Assert.Equal(
            Currency.Defaults.OrderBy(c => c.Code, StringComparer.Ordinal),
            await nodes.Stores[0].ListCurrenciesAsync(deadline.Token));
        Assert.Equal(new Core.Storage.LedgerHead(0, 0), await nodes.Stores[^1].GetHeadAsync(deadline.Token));
    }
}
