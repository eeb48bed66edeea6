using Ledger.Core.Merkle;
using Ledger.Core.Settlement;
using Ledger.Core.Storage;
using Ledger.Silo.Leadership;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo.Settlement;

/// <summary>
/// The silo's settlement pipeline, leader only. Every <see cref="SettlementOptions.Interval"/> it closes
/// the batches that are due (<see cref="SettlementCutoff"/>), then, when the node has a chain, moves their
/// anchors forward (<see cref="AnchorTracker"/>). Every write carries the term's fence, so a silo that has
/// lost the lease changes nothing even before it notices. Everything resumes from the stored state.
/// </summary>
public sealed partial class SettlementPipeline : BackgroundService
{
    private readonly LeaderElection election;
    private readonly SettlementCutoff? cutoff;
    private readonly AnchorTracker? anchors;
    private readonly IAnchorChainSource chains;
    private readonly SettlementOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger<SettlementPipeline> logger;
    private long rounds;

    public SettlementPipeline(
        LeaderElection election,
        ILedgerStore store,
        IAnchorChainSource chains,
        SettlementOptions options,
        TimeProvider clock,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        options.Validate();
        this.election = election;
        this.chains = chains;
        this.options = options;
        this.clock = clock;
        logger = loggers.CreateLogger<SettlementPipeline>();

        // A store that keeps neither settlements nor the Merkle log (a test double) runs no pipeline.
        if (store is ISettlementStore settlements && store is IMerkleLogStore merkleStore)
        {
            var merkle = new MerkleLog(merkleStore);
            cutoff = new SettlementCutoff(store, settlements, merkle, clock, options);
            anchors = new AnchorTracker(settlements, merkle, options, loggers.CreateLogger<AnchorTracker>());
        }
    }

    /// <summary>How many rounds have completed without a fault since the service started.</summary>
    public long Rounds => Interlocked.Read(ref rounds);

    /// <summary>One round under <paramref name="fence"/>: cutoff, then anchors. Faults propagate.</summary>
    public async Task RunRoundAsync(SettlementFence fence, CancellationToken cancellationToken)
    {
        if (cutoff is null || anchors is null)
        {
            return;
        }

        await cutoff.CloseDueAsync(fence, cancellationToken);
        if (chains.Current is { } chain)
        {
            await anchors.AdvanceAsync(chain, fence, cancellationToken);
        }

        Interlocked.Increment(ref rounds);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (cutoff is null)
        {
            LogNoSettlementStore(logger);
            return;
        }

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
                // Storage or chain faults: nothing half-done is left that the stored state does not
                // describe, so the next round picks up from there.
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store keeps no settlements or Merkle log; the settlement pipeline does not run.")]
    private static partial void LogNoSettlementStore(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A settlement write was refused ({Reason}); the next round starts from the stored state.")]
    private static partial void LogWriteRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A settlement round failed; it is retried.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
