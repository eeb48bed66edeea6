using Ledger.Core.Storage;

namespace Ledger.Core.Tests.Infrastructure;

/// <summary>Starting a store the way a fixture hands it out: initialised, or disposed when that fails.</summary>
public static class StoreStart
{
    public static async Task<ILedgerStore> InitializedAsync(ILedgerStore store, CancellationToken cancellationToken)
    {
        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }

        return store;
    }
}
