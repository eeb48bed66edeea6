namespace Ledger.Core.Tests.Infrastructure;

/// <summary>
/// A test class over one store kind: a fresh store, engine and clock per test. Derive an abstract class
/// with the tests from this, then one sealed class per store kind.
/// </summary>
public abstract class LedgerTestBase<TFixture> : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : class, ILedgerStoreFixture
{
    private LedgerHarness? ledger;

    protected LedgerTestBase(TFixture fixture) => Fixture = fixture;

    protected TFixture Fixture { get; }

    protected LedgerHarness Ledger => ledger ?? throw new InvalidOperationException("The harness starts in InitializeAsync.");

    public async Task InitializeAsync() => ledger = await LedgerHarness.StartAsync(Fixture);

    public async Task DisposeAsync()
    {
        if (ledger is not null)
        {
            await ledger.DisposeAsync();
        }
    }
}
