using Ledger.Core.Storage;
using Ledger.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Ledger.Core.Tests.Infrastructure;

/// <summary>SQLite stores, one database file per store, all under one temporary folder removed at the end.</summary>
public sealed class SqliteStoreFixture : ILedgerStoreFixture, IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "ledger-core-tests", Guid.NewGuid().ToString("N"));
    private int count;

    public SqliteStoreFixture() => System.IO.Directory.CreateDirectory(folder);

    public string Name => "sqlite";

    public Task<ILedgerStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        OpenAsync(Path.Combine(folder, $"ledger-{Interlocked.Increment(ref count)}.db"), cancellationToken);

    public Task<ILedgerStore> OpenAgainAsync(ILedgerStore store, CancellationToken cancellationToken) =>
        OpenAsync(((SqliteLedgerStore)store).DatabasePath, cancellationToken);

    public async Task ExecuteSqlAsync(ILedgerStore store, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ((SqliteLedgerStore)store).DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task<ILedgerStore> OpenAsync(string path, CancellationToken cancellationToken) =>
        StoreStart.InitializedAsync(new SqliteLedgerStore(path), cancellationToken);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves litter in the temporary folder; it is not a test failure.
        }
    }
}
