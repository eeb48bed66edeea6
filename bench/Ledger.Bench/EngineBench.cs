using System.Diagnostics;
using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Core.Storage;

namespace Ledger.Bench;

/// <summary>
/// (a) The engine alone over a store with full durability: full batches of 8,189 transfers between
/// random accounts, as TigerBeetle's benchmark does. With one client the batches go back to back; with
/// several, that many callers each keep one batch in flight and the engine's group commit takes them in
/// turn (the same number of callers as the baseline has connections).
/// </summary>
internal static class EngineBench
{
    public static async Task<double> RunAsync(ILedgerStore store, string label, int accounts, int transfers, int clients, TextWriter log)
    {
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

        var profile = store as ProfilingStore;
        profile?.Reset();
        var next = -1;
        var committed = 0;
        var clock = Stopwatch.StartNew();
        var callers = Enumerable.Range(0, clients).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < prepared.Count)
            {
                var outcome = await engine.CreateTransfersAsync(prepared[index], UInt128.Zero, CancellationToken.None);
                Interlocked.Add(ref committed, Workload.CountCreated(outcome));
            }
        });
        await Task.WhenAll(callers);

        var seconds = clock.Elapsed.TotalSeconds;
        profile?.Report(label, log);
        var totals = await store.GetLedgerTotalsAsync(CancellationToken.None);
        if (committed != prepared.Count * LedgerLimits.EventsPerBatchMax || totals.Any(t => !t.Balanced))
        {
            throw new InvalidOperationException($"The engine run did not commit every transfer ({committed}) or left the books unbalanced.");
        }

        var tps = committed / seconds;
        log.WriteLine($"{label}: {committed} transfers in {seconds:F2} s over {prepared.Count} batches, {clients} client(s) = {tps:F0} transfers/s");
        return tps;
    }
}
