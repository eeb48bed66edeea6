using System.Collections.Frozen;
using Ledger.Core.Directory;

namespace Ledger.Api.Hosting;

/// <summary>
/// The currencies, held in memory. Currencies are only ever added, never changed or removed, so a
/// snapshot stays correct; a lookup that misses reloads it (at most once per <see cref="ReloadIntervalMin"/>,
/// so unknown codes cannot turn every request into a query), which also picks up currencies another
/// node added. A currency added through this node is visible at once.
/// </summary>
public sealed class CurrencyDirectory
{
    public static readonly TimeSpan ReloadIntervalMin = TimeSpan.FromSeconds(1);

    private readonly IDirectoryStore directory;
    private readonly TimeProvider clock;
    private readonly SemaphoreSlim reloadGate = new(1, 1);
    private volatile Snapshot? snapshot;
    private volatile bool stale;
    private DateTimeOffset lastReload = DateTimeOffset.MinValue;

    public CurrencyDirectory(IDirectoryStore directory, TimeProvider clock)
    {
        this.directory = directory;
        this.clock = clock;
    }

    public async ValueTask<Currency?> FindByCodeAsync(string code, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(cancellationToken);
        if (current.ByCode.TryGetValue(code, out var currency))
        {
            return currency;
        }

        current = await ReloadAsync(force: false, cancellationToken);
        return current.ByCode.GetValueOrDefault(code);
    }

    public async ValueTask<Currency?> FindByLedgerAsync(uint ledger, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(cancellationToken);
        if (current.ByLedger.TryGetValue(ledger, out var currency))
        {
            return currency;
        }

        current = await ReloadAsync(force: false, cancellationToken);
        return current.ByLedger.GetValueOrDefault(ledger);
    }

    /// <summary>The code of the ledger's currency, or the ledger number when no currency names it.</summary>
    public async ValueTask<string> NameLedgerAsync(uint ledger, CancellationToken cancellationToken)
    {
        var currency = await FindByLedgerAsync(ledger, cancellationToken);
        return currency?.Code ?? ledger.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every currency, read fresh from the store.</summary>
    public async ValueTask<IReadOnlyList<Currency>> ListAsync(CancellationToken cancellationToken)
    {
        var current = await ReloadAsync(force: true, cancellationToken);
        return current.All;
    }

    /// <summary>Called after this node added a currency: the next lookup reloads.</summary>
    public void Invalidate() => stale = true;

    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken) =>
        snapshot is { } current && !stale ? current : await ReloadAsync(force: true, cancellationToken);

    private async ValueTask<Snapshot> ReloadAsync(bool force, CancellationToken cancellationToken)
    {
        await reloadGate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            if (!force && !stale && snapshot is { } recent && now - lastReload < ReloadIntervalMin)
            {
                return recent;
            }

            stale = false;
            var all = await directory.ListCurrenciesAsync(cancellationToken);
            var fresh = new Snapshot(
                all,
                all.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal),
                all.ToFrozenDictionary(c => c.Ledger));
            snapshot = fresh;
            lastReload = now;
            return fresh;
        }
        finally
        {
            reloadGate.Release();
        }
    }

    private sealed record Snapshot(
        IReadOnlyList<Currency> All,
        FrozenDictionary<string, Currency> ByCode,
        FrozenDictionary<uint, Currency> ByLedger);
}
