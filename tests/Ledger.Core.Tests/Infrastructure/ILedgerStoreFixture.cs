using Ledger.Core.Storage;

namespace Ledger.Core.Tests.Infrastructure;

/// <summary>
/// Makes fresh, empty, initialised ledger stores of one kind. A test class that runs against every store
/// kind is written once as an abstract generic class over the fixture and derived once per kind
/// (<c>SqliteXxxTests : XxxTests&lt;SqliteStoreFixture&gt;</c>). The fixture is an xunit class fixture, so a
/// store kind that needs a server (PostgreSQL) can start it once per class and hand out a fresh
/// database per test.
/// </summary>
public interface ILedgerStoreFixture
{
    /// <summary>A short name for messages ("sqlite", "postgres").</summary>
    string Name { get; }

    /// <summary>A new store over an empty database, already initialised. The caller disposes it.</summary>
    Task<ILedgerStore> CreateStoreAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A second store over the same database as <paramref name="store"/> (which this fixture made),
    /// initialised, so its migrations run again over an existing schema. The caller disposes it.
    /// </summary>
    Task<ILedgerStore> OpenAgainAsync(ILedgerStore store, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="sql"/> directly on the database of <paramref name="store"/> (which this fixture
    /// made), behind the store's back: for tests that damage or age a database on purpose.
    /// </summary>
    Task ExecuteSqlAsync(ILedgerStore store, string sql, CancellationToken cancellationToken);
}
