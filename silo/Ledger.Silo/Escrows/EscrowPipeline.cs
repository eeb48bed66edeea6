using Ledger.Core.Cluster;
using Ledger.Core.Escrows;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Core.Storage;
using Ledger.Silo.Leadership;
using Ledger.Silo.Settlement;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo.Escrows;

/// <summary>
/// The silo's escrow pipeline and reconciliation watcher, leader only. Every
/// <see cref="EscrowOptions.Interval"/>, when the node has a chain, it runs one <see cref="EscrowTracker"/>
/// round (active escrows moved on, then the contract's final events applied), and every
/// <see cref="EscrowOptions.ReconcileInterval"/> a <see cref="Reconciler"/> report. Every write carries
/// the term's fence, so a silo that has lost the lease changes nothing even before it notices.
/// Everything resumes from the stored state.
/// </summary>
public sealed partial class EscrowPipeline : BackgroundService
{
    private readonly LeaderElection election;
    private readonly EscrowTracker tracker;
    private readonly Reconciler reconciler;
    private readonly IEscrowChainSource chains;
    private readonly EscrowOptions options;
    private readonly EscrowMetrics metrics;
    private readonly TimeProvider clock;
    private readonly ILogger<EscrowPipeline> logger;
    private long rounds;
    private DateTimeOffset? reconciledAt;

    public EscrowPipeline(
        LeaderElection election,
        IEscrowStore escrows,
        IPayoutStore payouts,
        ILedgerStore ledger,
        ILeaseStore leases,
        EscrowProcessor processor,
        IEscrowChainSource chains,
        EscrowOptions options,
        EscrowMetrics metrics,
        TimeProvider clock,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(election);
        ArgumentNullException.ThrowIfNull(escrows);
        ArgumentNullException.ThrowIfNull(payouts);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(processor);
        ArgumentNullException.ThrowIfNull(chains);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(loggers);
        options.Validate();
        this.election = election;
        this.chains = chains;
        this.options = options;
        this.metrics = metrics;
        this.clock = clock;
        logger = loggers.CreateLogger<EscrowPipeline>();
        tracker = new EscrowTracker(escrows, ledger, processor, leases, options, metrics, clock, loggers.CreateLogger<EscrowTracker>());
        reconciler = new Reconciler(escrows, payouts, ledger, clock);
    }

    /// <summary>How many rounds have completed without a fault since the service started.</summary>
    public long Rounds => Interlocked.Read(ref rounds);

    /// <summary>The escrow counters, for <c>/metrics</c>.</summary>
    public EscrowMetricsSnapshot Metrics => metrics.Snapshot();

    /// <summary>One tracker round under <paramref name="fence"/>; nothing when the node has no chain. Faults propagate.</summary>
    public async Task RunRoundAsync(SettlementFence fence, CancellationToken cancellationToken)
    {
        if (chains.Current is { } chain)
        {
            await tracker.RunRoundAsync(chain, fence, cancellationToken);
        }

        Interlocked.Increment(ref rounds);
    }

    /// <summary>
    /// Builds and records a reconciliation report under <paramref name="fence"/>; null when the node has
    /// no chain or no escrow event has been read yet. Faults propagate.
    /// </summary>
    public async Task<ReconciliationReport?> ReconcileAsync(SettlementFence fence, CancellationToken cancellationToken)
    {
        if (chains.Current is not { } chain || await reconciler.RunAsync(chain, fence, cancellationToken) is not { } report)
        {
            return null;
        }

        metrics.Reconciled(report.Mismatches.Count);
        if (report.Mismatches.Count > 0)
        {
            LogMismatches(logger, report.Mismatches.Count, report.BlockNumber, report.Mismatches[0].Kind, report.Mismatches[0].Detail);
        }

        return report;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await election.RunEachTermAsync((term, during) => RunWhileLeadingAsync(new SettlementFence(SiloLeaseOptions.LeaseName, term.Epoch), during), stoppingToken);
    }

    private async Task RunWhileLeadingAsync(SettlementFence fence, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await GuardAsync(() => RunRoundAsync(fence, cancellationToken), "round", cancellationToken))
            {
                return;
            }

            if (clock.GetUtcNow() - reconciledAt is not { } since || since >= options.ReconcileInterval)
            {
                if (!await GuardAsync(() => ReconcileAsync(fence, cancellationToken), "reconciliation", cancellationToken))
                {
                    return;
                }

                reconciledAt = clock.GetUtcNow();
            }

            try
            {
                await Task.Delay(options.Interval, clock, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Runs one step; false when the term or the service ended during it. Faults are logged and the step is retried next time.</summary>
    private async Task<bool> GuardAsync(Func<Task> step, string what, CancellationToken cancellationToken)
    {
        try
        {
            await step();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SettlementWriteRefusedException refused)
        {
            LogWriteRefused(logger, what, refused.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Storage, ledger or chain faults: nothing half-done is left that the stored state does not
            // describe, so the next round picks up from there.
            LogStepFailed(logger, what, exception);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An escrow {What} write was refused ({Reason}); the next round starts from the stored state.")]
    private static partial void LogWriteRefused(ILogger logger, string what, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "An escrow {What} failed; it is retried.")]
    private static partial void LogStepFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation at block {Block} found {Count} mismatches; the first: {Kind}: {Detail}")]
    private static partial void LogMismatches(ILogger logger, int count, ulong block, string kind, string detail);
}
