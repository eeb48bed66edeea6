using Ledger.Core.Cluster;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Silo.Leadership;
using Ledger.Silo.Settlement;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo.Payouts;

/// <summary>
/// The silo's payout pipeline, leader only. Every <see cref="PayoutOptions.Interval"/>, when the node has
/// a chain, it runs one <see cref="PayoutTracker"/> round: open batches moved on, then the next batch
/// gathered. Every batch write carries the term's fence, so a silo that has lost the lease changes nothing
/// even before it notices. Everything resumes from the stored state.
/// </summary>
public sealed partial class PayoutPipeline : BackgroundService
{
    private readonly LeaderElection election;
    private readonly PayoutTracker tracker;
    private readonly IPayoutChainSource chains;
    private readonly PayoutOptions options;
    private readonly PayoutMetrics metrics;
    private readonly TimeProvider clock;
    private readonly ILogger<PayoutPipeline> logger;
    private long rounds;

    public PayoutPipeline(
        LeaderElection election,
        IPayoutStore payouts,
        ILeaseStore leases,
        PayoutLedger ledger,
        IPayoutChainSource chains,
        PayoutOptions options,
        PayoutMetrics metrics,
        TimeProvider clock,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(election);
        ArgumentNullException.ThrowIfNull(payouts);
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(ledger);
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
        logger = loggers.CreateLogger<PayoutPipeline>();
        tracker = new PayoutTracker(payouts, ledger, leases, options, metrics, clock, loggers.CreateLogger<PayoutTracker>());
    }

    /// <summary>How many rounds have completed without a fault since the service started.</summary>
    public long Rounds => Interlocked.Read(ref rounds);

    /// <summary>The payout counters, for <c>/metrics</c>.</summary>
    public PayoutMetricsSnapshot Metrics => metrics.Snapshot();

    /// <summary>One round under <paramref name="fence"/>; nothing when the node has no chain. Faults propagate.</summary>
    public async Task RunRoundAsync(SettlementFence fence, CancellationToken cancellationToken)
    {
        if (chains.Current is { } chain)
        {
            await tracker.RunRoundAsync(chain, fence, cancellationToken);
        }

        Interlocked.Increment(ref rounds);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await election.RunEachTermAsync((term, during) => RunWhileLeadingAsync(new SettlementFence(SiloLeaseOptions.LeaseName, term.Epoch), during), stoppingToken);
    }

    private async Task RunWhileLeadingAsync(SettlementFence fence, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunRoundAsync(fence, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SettlementWriteRefusedException refused)
            {
                LogWriteRefused(logger, refused.Message);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Storage, ledger or chain faults: nothing half-done is left that the stored state does
                // not describe, so the next round picks up from there.
                LogRoundFailed(logger, exception);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A payout write was refused ({Reason}); the next round starts from the stored state.")]
    private static partial void LogWriteRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A payout round failed; it is retried.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
