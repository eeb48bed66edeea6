using Ledger.Chain.Rpc;
using Ledger.Core.Cluster;
using Ledger.Core.Domain;
using Ledger.Core.Escrows;
using Ledger.Core.Settlement;
using Ledger.Core.Storage;
using Ledger.Silo.Leadership;
using Ledger.Silo.Settlement;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo.Escrows;

/// <summary>
/// One round of the escrow pipeline, from the stored state alone, so a restart at any instant resumes
/// where it stopped: every active escrow is moved on, oldest first, then the contract's final events
/// are applied (<see cref="EscrowEventSync"/>).
/// </summary>
/// <remarks>
/// <para>
/// Opening without a transaction: the mirror must be pending (<see cref="EscrowProcessor.EnsureMirrorAsync"/>),
/// then the open is signed, recorded, and only then sent. Releasing or Refunding without a transaction:
/// the release or refund likewise. With a transaction: the recorded bytes are sent again (the same
/// transaction: at most one inclusion) and looked for; final → its events are applied; its nonce taken
/// (finally) by another transaction → a replacement is signed and recorded in its place, up to
/// <see cref="EscrowOptions.AttemptsMax"/> transactions; reverted and final, or displaced too often → an
/// open fails (its mirror voided, then the escrow recorded Failed), a release or refund goes back to Open
/// with the reason.
/// </para>
/// <para>
/// An open is never failed while the contract holds the escrow as recorded: the chain wins, and its
/// Opened event moves it on. A transaction the contract would refuse is not signed: an open that can
/// never succeed fails; a release or refund this key may not send goes back to Open; anything else waits.
/// Every write carries the leader's fence, and the lease is read before each round and before the ledger
/// moves, so a deposed leader stops before it writes anything.
/// </para>
/// </remarks>
public sealed partial class EscrowTracker
{
    /// <summary>The most active escrows looked at in one round.</summary>
    public const int ActiveEscrowsPerRoundMax = 256;

    private readonly IEscrowStore store;
    private readonly ILedgerStore ledger;
    private readonly EscrowProcessor processor;
    private readonly ILeaseStore leases;
    private readonly EscrowOptions options;
    private readonly EscrowMetrics metrics;
    private readonly TimeProvider clock;
    private readonly ILogger<EscrowTracker> logger;
    private readonly EscrowEventSync events;

    public EscrowTracker(
        IEscrowStore store, ILedgerStore ledger, EscrowProcessor processor, ILeaseStore leases, EscrowOptions options, EscrowMetrics metrics, TimeProvider clock, ILogger<EscrowTracker> logger)
    {
        this.store = store;
        this.ledger = ledger;
        this.processor = processor;
        this.leases = leases;
        this.options = options;
        this.metrics = metrics;
        this.clock = clock;
        this.logger = logger;
        events = new EscrowEventSync(store, processor, leases, options, metrics, clock, logger);
    }

    /// <summary>Moves every active escrow on, then applies the contract's final events past the cursor.</summary>
    public async Task RunRoundAsync(IEscrowChain chain, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(fence);
        await LeaseCheck.EnsureHeldAsync(leases, fence, "Escrows", cancellationToken);
        foreach (var escrow in await store.ListActiveEscrowsAsync(ActiveEscrowsPerRoundMax, cancellationToken))
        {
            try
            {
                await AdvanceAsync(chain, escrow, fence, cancellationToken);
            }
            catch (Exception exception) when (exception is InvalidOperationException or SettlementWriteRefusedException { Outcome: SettlementWrite.Conflict })
            {
                // This escrow's record moved under the round, or the books and the chain disagree about
                // it: the others go on; the next round reads it again.
                LogEscrowStopped(logger, escrow.Id, exception);
            }
        }

        await events.SyncAsync(chain, fence, cancellationToken);
    }

    private async Task AdvanceAsync(IEscrowChain chain, Escrow escrow, SettlementFence fence, CancellationToken cancellationToken)
    {
        switch (escrow.Status)
        {
            case EscrowStatus.Opening when escrow.TxHash is null:
                await OpenAsync(chain, escrow, fence, cancellationToken);
                break;
            case EscrowStatus.Releasing or EscrowStatus.Refunding when escrow.TxHash is null:
                await SignAsync(chain, escrow, replaced: null, fence, cancellationToken);
                break;
            case EscrowStatus.Opening or EscrowStatus.Releasing or EscrowStatus.Refunding:
                await TrackAsync(chain, escrow, fence, cancellationToken);
                break;
            default:
                break;
        }
    }

    private async Task OpenAsync(IEscrowChain chain, Escrow escrow, SettlementFence fence, CancellationToken cancellationToken)
    {
        if (await MirrorStatusAsync(escrow.Id, cancellationToken) == PendingStatus.Voided)
        {
            // A failure of this escrow voided the mirror, then stopped before recording it: finish it.
            await RecordFailedAsync(escrow, "mirror_voided", fence, cancellationToken);
            return;
        }

        if (!await processor.EnsureMirrorAsync(escrow, options.MirrorGrace, cancellationToken))
        {
            LogMirrorNotReady(logger, escrow.Id);
            return;
        }

        await SignAsync(chain, escrow, replaced: null, fence, cancellationToken);
    }

    private async Task TrackAsync(IEscrowChain chain, Escrow escrow, SettlementFence fence, CancellationToken cancellationToken)
    {
        await ResendAsync(chain, escrow, cancellationToken);
        var check = await chain.CheckAsync(escrow, cancellationToken);
        switch (check.State)
        {
            case EscrowCheckState.Final:
                await events.ApplyTransactionAsync(chain, escrow, check.Block!.Value, fence, cancellationToken);
                break;
            case EscrowCheckState.Displaced when escrow.Attempts < options.AttemptsMax:
                LogReplacing(logger, escrow.Id, escrow.Attempts, options.AttemptsMax);
                await SignAsync(chain, escrow, replaced: escrow.TxHash, fence, cancellationToken);
                break;
            case EscrowCheckState.Displaced:
                await GiveUpAsync(chain, escrow, $"dropped: displaced after {escrow.Attempts} transactions", fence, cancellationToken);
                break;
            case EscrowCheckState.Failed:
                await GiveUpAsync(chain, escrow, $"reverted: {check.Reason}", fence, cancellationToken);
                break;
            default:
                LogStillPending(logger, escrow.Id, escrow.Status, check.State, check.Reason);
                break;
        }
    }

    /// <summary>Signs, records (replacing <paramref name="replaced"/> if set) and sends the transaction of the escrow's status.</summary>
    private async Task SignAsync(IEscrowChain chain, Escrow escrow, byte[]? replaced, SettlementFence fence, CancellationToken cancellationToken)
    {
        var kind = EscrowTransitions.TxKindOf(escrow.Status);
        var recorded = false;
        try
        {
            var signed = await chain.SubmitAsync(
                escrow,
                async (transaction, token) =>
                {
                    SettlementWriteRefusedException.ThrowUnlessApplied(
                        await store.RecordEscrowTxAsync(escrow.Id, escrow.Status, kind, replaced, transaction, clock.GetUtcNow(), fence, token),
                        $"Escrow {escrow.Id} {kind} signed");
                    recorded = true;
                    options.CrashHook?.Invoke(EscrowCrashPoint.AfterSigned);
                },
                cancellationToken);
            LogSigned(logger, escrow.Id, kind, Convert.ToHexString(signed.TxHash), signed.Nonce);
            options.CrashHook?.Invoke(EscrowCrashPoint.AfterSent);
        }
        catch (Exception exception) when (recorded && exception is JsonRpcException or RpcTransportException)
        {
            // The transaction is recorded; only its first sending failed. The next round sends the same
            // bytes again, or replaces them once their nonce is taken.
            LogSendFailed(logger, escrow.Id, kind, exception.Message);
        }
        catch (EscrowRefusedException refused)
        {
            await RefusedAsync(chain, escrow, refused, fence, cancellationToken);
        }
    }

    private async Task RefusedAsync(IEscrowChain chain, Escrow escrow, EscrowRefusedException refused, SettlementFence fence, CancellationToken cancellationToken)
    {
        switch (escrow.Status, refused.Refusal)
        {
            case (EscrowStatus.Opening, EscrowRefusal.IdUsed or EscrowRefusal.Unopenable):
                // FailOpenAsync leaves an escrow the contract holds as recorded (opened by an earlier
                // transaction of ours): its Opened event moves it on.
                await FailOpenAsync(chain, escrow, refused.Reason, fence, cancellationToken);
                break;
            case (EscrowStatus.Releasing or EscrowStatus.Refunding, EscrowRefusal.NotAllowed):
                await BackToOpenAsync(escrow, refused.Reason, fence, cancellationToken);
                break;
            case (_, EscrowRefusal.Unfunded):
                LogUnfunded(logger, escrow.Id, escrow.TokenAmount, refused.Message);
                break;
            case (_, EscrowRefusal.NotOpen):
                // Released or refunded on chain by someone else: the event decides, and the chain wins.
                LogNotOpenOnChain(logger, escrow.Id, escrow.Status);
                break;
            default:
                LogRefused(logger, escrow.Id, escrow.Status, refused);
                break;
        }
    }

    /// <summary>An open that can never happen: Failed with its mirror voided. A release or refund that will not happen: back to Open.</summary>
    private Task GiveUpAsync(IEscrowChain chain, Escrow escrow, string reason, SettlementFence fence, CancellationToken cancellationToken) =>
        escrow.Status == EscrowStatus.Opening
            ? FailOpenAsync(chain, escrow, reason, fence, cancellationToken)
            : BackToOpenAsync(escrow, reason, fence, cancellationToken);

    /// <summary>
    /// Voids the mirror, then records the escrow Failed, unless the contract holds the escrow as recorded
    /// (then it opened after all, and its event will say so).
    /// </summary>
    private async Task FailOpenAsync(IEscrowChain chain, Escrow escrow, string reason, SettlementFence fence, CancellationToken cancellationToken)
    {
        var onChain = (await chain.GetEscrowsAsync([escrow.Id], block: null, cancellationToken))[0];
        if (onChain.State != OnChainEscrowState.None && EscrowFields.Differs(escrow, onChain, chain.Token) is null)
        {
            LogOpenedAfterAll(logger, escrow.Id, onChain.State, reason);
            return;
        }

        await LeaseCheck.EnsureHeldAsync(leases, fence, "Escrows", cancellationToken);
        if (await MirrorStatusAsync(escrow.Id, cancellationToken) == PendingStatus.Pending)
        {
            await processor.ResolveMirrorAsync(escrow, post: false, cancellationToken);
        }

        await RecordFailedAsync(escrow, reason, fence, cancellationToken);
    }

    private async Task RecordFailedAsync(Escrow escrow, string reason, SettlementFence fence, CancellationToken cancellationToken)
    {
        SettlementWriteRefusedException.ThrowUnlessApplied(
            await store.TryAdvanceEscrowAsync(escrow.Id, EscrowStatus.Opening, EscrowStatus.Failed, reason, null, null, clock.GetUtcNow(), fence, cancellationToken),
            $"Escrow {escrow.Id} failed");
        metrics.Failed();
        LogFailed(logger, escrow.Id, reason);
    }

    private async Task BackToOpenAsync(Escrow escrow, string reason, SettlementFence fence, CancellationToken cancellationToken)
    {
        SettlementWriteRefusedException.ThrowUnlessApplied(
            await store.TryAdvanceEscrowAsync(escrow.Id, escrow.Status, EscrowStatus.Open, reason, null, null, clock.GetUtcNow(), fence, cancellationToken),
            $"Escrow {escrow.Id} {escrow.Status} → Open");
        LogBackToOpen(logger, escrow.Id, escrow.Status, reason);
    }

    private async Task<PendingStatus?> MirrorStatusAsync(UInt128 escrowId, CancellationToken cancellationToken) =>
        (await ledger.GetTransferAsync(EscrowLegs.MirrorId(escrowId), cancellationToken))?.Pending?.Status;

    private async Task ResendAsync(IEscrowChain chain, Escrow escrow, CancellationToken cancellationToken)
    {
        if (escrow.RawTx is not { } raw)
        {
            return;
        }

        try
        {
            await chain.ResendAsync(raw, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The node refused the bytes (most often: already known, or their nonce is taken). The check
            // that follows says whether the transaction is mined, still pending, or displaced.
            LogResendRefused(logger, escrow.Id, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Escrow {EscrowId}: {Kind} transaction {TxHash} (nonce {Nonce}) recorded and sent.")]
    private static partial void LogSigned(ILogger logger, UInt128 escrowId, EscrowTxKind kind, string txHash, ulong nonce);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escrow {EscrowId} failed ({Reason}); its mirror is voided.")]
    private static partial void LogFailed(ILogger logger, UInt128 escrowId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escrow {EscrowId}: the {Status} step is given up ({Reason}); the escrow is Open again.")]
    private static partial void LogBackToOpen(ILogger logger, UInt128 escrowId, EscrowStatus status, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Escrow {EscrowId}: its mirror is not pending yet; the open waits.")]
    private static partial void LogMirrorNotReady(ILogger logger, UInt128 escrowId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escrow {EscrowId}: its transaction's nonce was taken by another; replacement {Attempt} of at most {AttemptsMax} transactions is signed.")]
    private static partial void LogReplacing(ILogger logger, UInt128 escrowId, int attempt, int attemptsMax);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Escrow {EscrowId} ({Status}): its transaction is {State} ({Reason}).")]
    private static partial void LogStillPending(ILogger logger, UInt128 escrowId, EscrowStatus status, EscrowCheckState state, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escrow {EscrowId}: the {Kind} transaction is recorded but could not be sent: {Reason}.")]
    private static partial void LogSendFailed(ILogger logger, UInt128 escrowId, EscrowTxKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escrow {EscrowId}: the treasury cannot cover {Amount} token units; the open waits. {Reason}")]
    private static partial void LogUnfunded(ILogger logger, UInt128 escrowId, UInt128 amount, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escrow {EscrowId} ({Status}) is not open on chain; the contract's event decides.")]
    private static partial void LogNotOpenOnChain(ILogger logger, UInt128 escrowId, EscrowStatus status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Escrow {EscrowId} ({Status}): the chain refuses its transaction; it waits. Operator attention needed.")]
    private static partial void LogRefused(ILogger logger, UInt128 escrowId, EscrowStatus status, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escrow {EscrowId} would fail ({Reason}), but the contract holds it as recorded ({State}); its event moves it on.")]
    private static partial void LogOpenedAfterAll(ILogger logger, UInt128 escrowId, OnChainEscrowState state, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Escrow {EscrowId}: the node refused the recorded bytes: {Reason}.")]
    private static partial void LogResendRefused(ILogger logger, UInt128 escrowId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Escrow {EscrowId}: this round stops for it; the next one reads it again.")]
    private static partial void LogEscrowStopped(ILogger logger, UInt128 escrowId, Exception exception);
}
