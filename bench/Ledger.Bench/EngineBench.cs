using System.Diagnostics;
using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Storage.Sqlite;

namespace Ledger.Bench;

/// <summary>
/// (a) The engine alone over SQLite with full durability (WAL, synchronous=FULL): full batches of
/// 8,189 transfers between random accounts, as TigerBeetle's benchmark does, submitted back to back.
/// </summary>
internal static class EngineBench
{
    public static async Task<double> RunAsync(string directory, int accounts, int transfers, TextWriter log)
    {
        await using var store = new SqliteLedgerStore(Path.Combine(directory, "engine.db"));
        await store.InitializeAsync(CancellationToken.None);
        await using var engine = new LedgerEngine(store, TimeProvider.System);
        engine.Start();
        await Workload.CreateAccountsAsync(engine, accounts);

        var random = new Random(42);
        var batches = (transfers + LedgerLimits.EventsPerBatchMax - 1) / LedgerLimits.EventsPerBatchMax;
        var prepared = new List<Transfer[]>(batches);
        for (var b = 0; b < batches; b++)
        {
            prepared.Add(Workload.RandomTransfers(random, accounts, LedgerLimits.EventsPerBatchMax));
        }

        var clock = Stopwatch.StartNew();
        var committed = 0;
        foreach (var batch in prepared)
        {
            var outcome = await engine.CreateTransfersAsync(batch, UInt128.Zero, CancellationToken.None);
            committed += Workload.CountCreated(outcome);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var totals = await store.GetLedgerTotalsAsync(CancellationToken.None);
        if (committed != prepared.Count * LedgerLimits.EventsPerBatchMax || totals.Any(t => !t.Balanced))
        {
            throw new InvalidOperationException($"The engine run did not commit every transfer ({committed}) or left the books unbalanced.");
        }

        var tps = committed / seconds;
        log.WriteLine($"engine: {committed} transfers in {seconds:F2} s over {prepared.Count} batches = {tps:F0} transfers/s");
        return tps;
    }
}
