using System.Runtime.InteropServices;

namespace Ledger.Bench.Payouts;

/// <summary>
/// <c>make bench BENCH_ARGS="--payouts"</c>: gas per payout by batch size, then payouts per minute through
/// the silo's pipeline, on one local anvil started for the run and stopped at its end, whatever happens
/// (SIGINT and SIGTERM cancel the run so that the anvil is still stopped).
/// </summary>
internal static class PayoutFigures
{
    /// <summary>The batch sizes of the gas figures: 1, 10 and 100 as issue 7 asks, and 256, the contract's largest.</summary>
    private static readonly int[] BatchSizes = [1, 10, 100, 256];

    /// <summary>Payout ids of the gas figures; the silo run's start elsewhere, so no id is paid twice.</summary>
    private static readonly UInt128 FirstGasPayoutId = 0x1000_0000;

    public static async Task RunAsync(
        string folder, int blockTimeSeconds, int confirmations, SiloPayoutSettings settings, IDictionary<string, double?> result, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(log);
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stop));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stop));

        await using var chain = await LocalPayoutChain.StartAsync(folder, blockTimeSeconds, confirmations, stop.Token);
        log.WriteLine(
            $"payouts: anvil at {chain.RpcUri} mining a block every {blockTimeSeconds} s; contracts deployed by the node's deployer; " +
            $"{LocalPayoutChain.TreasuryFloat / 1_000_000:N0} TestUSD minted to the treasury {chain.Sender.Sender}; sender gas cap {LocalPayoutChain.SenderGasCap:N0}");

        var gas = await PayoutGasBench.RunAsync(chain, BatchSizes, FirstGasPayoutId, log, stop.Token);
        var silo = await SiloPayoutBench.RunAsync(chain, folder, settings, log, stop.Token);

        PrintGas(gas, log);
        PrintSilo(silo, chain, settings, log);
        foreach (var figure in gas)
        {
            var suffix = $"{(figure.Returning ? "returning_" : string.Empty)}batch{figure.BatchSize}";
            result[$"payout_gas_per_tx_{suffix}"] = figure.GasUsed;
            result[$"payout_gas_per_payout_{suffix}"] = Math.Round(figure.GasPerPayout);
        }

        var (marginal, fixedPart) = Fit(gas.Where(static f => !f.Returning).ToList());
        result["payout_gas_marginal_per_payout"] = Math.Round(marginal);
        result["payout_gas_fixed_per_tx"] = Math.Round(fixedPart);
        result["silo_payouts_per_minute"] = Math.Round(silo.PayoutsPerMinute);
        result["silo_payouts_requested"] = silo.Requested;
        result["silo_payouts_confirmed"] = silo.Confirmed;
        result["silo_complete"] = silo.Complete ? 1 : 0;
        result["silo_seconds"] = Math.Round(silo.Seconds, 2);
        result["silo_creation_seconds"] = Math.Round(silo.CreationSeconds, 2);
        result["silo_batches"] = silo.Batches;
        result["silo_batch_mean"] = Math.Round(silo.MeanBatch, 1);
        result["silo_batch_cap"] = silo.BatchCap;
        result["silo_batch_open_to_final_seconds_mean"] = Math.Round(silo.MeanBatchSeconds, 2);
        result["silo_rounds"] = silo.Rounds;
        result["silo_round_seconds_mean"] = Math.Round(silo.RoundSeconds, 2);
        result["silo_chain_wait_seconds"] = Math.Round(silo.ChainSeconds, 2);
        result["silo_confirmations"] = chain.Confirmations;
        result["silo_payout_interval_seconds"] = settings.Interval.TotalSeconds;
        result["anvil_block_time_seconds"] = chain.BlockTimeSeconds;
    }

    /// <summary>
    /// The straight line through the smallest and the largest batch of new recipients: gas of one more
    /// payout, and of a pay call besides its payouts (what ChainPayoutClient budgets at 65,000 and 50,000).
    /// </summary>
    private static (double Marginal, double Fixed) Fit(IReadOnlyList<PayoutGasFigure> figures)
    {
        var smallest = figures.MinBy(static f => f.BatchSize)!;
        var largest = figures.MaxBy(static f => f.BatchSize)!;
        var marginal = ((double)largest.GasUsed - smallest.GasUsed) / (largest.BatchSize - smallest.BatchSize);
        return (marginal, smallest.GasUsed - (marginal * smallest.BatchSize));
    }

    private static void PrintGas(IReadOnlyList<PayoutGasFigure> gas, TextWriter log)
    {
        log.WriteLine();
        log.WriteLine("PayoutBatcher.pay gas (TestUSD, from the receipts):");
        log.WriteLine($"{"batch",6} | {"recipients",-22} | {"gas per tx",12} | {"gas per payout",14} | {"gas limit sent",14}");
        foreach (var figure in gas)
        {
            var recipients = figure.Returning ? "returning (hold TUSD)" : "new (first TUSD)";
            log.WriteLine($"{figure.BatchSize,6} | {recipients,-22} | {figure.GasUsed,12:N0} | {figure.GasPerPayout,14:N0} | {figure.GasLimit,14:N0}");
        }

        var (marginal, fixedPart) = Fit(gas.Where(static f => !f.Returning).ToList());
        log.WriteLine($"new recipients: {marginal:N0} gas per added payout, {fixedPart:N0} per transaction besides");
    }

    private static void PrintSilo(SiloPayoutResult silo, LocalPayoutChain chain, SiloPayoutSettings settings, TextWriter log)
    {
        log.WriteLine();
        log.WriteLine("Silo payout pipeline (SQLite store, PayoutProcessor in, ChainPayoutClient out):");
        log.WriteLine($"  anvil block time {chain.BlockTimeSeconds} s, finality {chain.Confirmations} confirmations, round interval {settings.Interval.TotalSeconds:0.###} s, batch cap {silo.BatchCap}");
        log.WriteLine($"  payouts requested {silo.Requested:N0}, created {silo.Created:N0}, confirmed {silo.Confirmed:N0}, failed {silo.Failed:N0}{(silo.Complete ? string.Empty : " (INCOMPLETE: bound reached)")}");
        log.WriteLine($"  created in {silo.CreationSeconds:0.00} s; first creation to last Confirmed {silo.Seconds:0.00} s");
        log.WriteLine($"  batches {silo.Batches}, mean {silo.MeanBatch:0.0}, largest {silo.LargestBatch}; a batch took {silo.MeanBatchSeconds:0.00} s from opened to final on average");
        var roundSeconds = silo.RoundSeconds;
        log.WriteLine(
            $"  {silo.Rounds} rounds, one every {roundSeconds:0.00} s (interval {settings.Interval.TotalSeconds:0.###} s + about {Math.Max(0, roundSeconds - settings.Interval.TotalSeconds):0.00} s of work); " +
            $"waiting on the payout client {silo.ChainSeconds:0.00} s of the {silo.Seconds:0.00} s");
        log.WriteLine($"  payouts per minute: {silo.PayoutsPerMinute:N0}");
        log.WriteLine();
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        // Unwind instead of exiting, so that anvil is stopped on the way out.
        context.Cancel = true;
        stop.Cancel();
    }
}
