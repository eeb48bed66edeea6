using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.Tests.Infrastructure;
using static Ledger.Core.Tests.Infrastructure.Build;

namespace Ledger.Core.Tests.Stores;

public sealed class SqliteMigrationTests(SqliteStoreFixture fixture) : MigrationTests<SqliteStoreFixture>(fixture);

public sealed class PostgresMigrationTests(PostgresStoreFixture fixture) : MigrationTests<PostgresStoreFixture>(fixture);

/// <summary>Running the migrations again over a database in use changes nothing, and the ledger goes on from where it was.</summary>
public abstract class MigrationTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    [Fact]
    public async Task Migrations_run_twice_change_nothing()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1, flags: AccountFlags.History), Account(2));
        await Ledger.CreatedAsync(Transfer(10, 1, 2, 5), Pending(11, 1, 2, 7, timeoutSeconds: 60));
        var before = await SnapshotAsync(Ledger.Store);

        // Once more on the same store, then twice over the same database from new stores.
        await Ledger.Store.InitializeAsync(Ledger.Token);
        await using (var again = await Fixture.OpenAgainAsync(Ledger.Store, Ledger.Token))
        {
            await using var third = await Fixture.OpenAgainAsync(Ledger.Store, Ledger.Token);
            Assert.Equal(before, await SnapshotAsync(again));
            Assert.Equal(before, await SnapshotAsync(third));
        }

        Assert.Equal(before, await SnapshotAsync(Ledger.Store));
        var currencies = await ((IDirectoryStore)Ledger.Store).ListCurrenciesAsync(Ledger.Token);
        Assert.Equal(Currency.Defaults.OrderBy(c => c.Code, StringComparer.Ordinal), currencies);

        // The ledger goes on from the same head.
        await Ledger.CreatedAsync(Transfer(12, 2, 1, 3));
        await Ledger.AssertBalancesAsync(1, 7, 5, 0, 3);
        Assert.Equal(3UL, (await Ledger.Store.GetHeadAsync(Ledger.Token)).LogSize);
    }

    private async Task<string> SnapshotAsync(Core.Storage.ILedgerStore store)
    {
        var head = await store.GetHeadAsync(Ledger.Token);
        var accounts = new[] { await store.GetAccountAsync(1, Ledger.Token), await store.GetAccountAsync(2, Ledger.Token) };
        var transfers = await store.GetAccountTransfersAsync(1, 0, LedgerLimits.HistoryPageMax, Ledger.Token);
        var balances = await store.GetAccountBalancesAsync(1, 0, LedgerLimits.HistoryPageMax, Ledger.Token);
        var totals = await store.GetLedgerTotalsAsync(Ledger.Token);
        var expiry = await store.GetNextExpiryAsync(Ledger.Token);
        var currencies = await ((IDirectoryStore)store).ListCurrenciesAsync(Ledger.Token);
        return string.Join(
            "\n",
            head,
            string.Join(";", accounts),
            string.Join(";", transfers),
            string.Join(";", balances),
            string.Join(";", totals),
            expiry,
            string.Join(";", currencies));
    }
}
