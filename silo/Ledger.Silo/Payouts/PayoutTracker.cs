using System.Numerics;
using Ledger.Chain.Rpc;
using Ledger.Core.Cluster;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Silo.Leadership;
using Ledger.Silo.Settlement;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo.Payouts;

/// <summary>
/// One round of the payout pipeline, from the stored state alone, so a restart at any instant resumes
/// where it stopped: every open batch is moved on, oldest first, then, when none is waiting to be signed
/// or mined, the next batch is gathered from the pending payouts and moved on in the same round.
/// </summary>
/// <remarks>
/// <para>
/// open: every payout's hold must be pending and no payout paid on chain; the batch's <c>pay</c> is
/// signed, recorded (signed) and only then sent. signed: the recorded bytes are sent again (the same
/// transaction: at most one inclusion) and looked for; in a block → included; final → the final path;
/// its nonce taken (finally) by another transaction → a replacement is signed and recorded in its place,
/// up to <see cref="PayoutOptions.AttemptsMax"/> transactions, then the batch fails; reverted and final →
/// the batch fails. included: final → the final path; a reorganisation → signed again, and the same bytes
/// are sent again.
/// </para>
/// <para>
/// The ledger moves before the batch record, so a crash in between is finished by the next round (posting
/// or voiding again finds it done): final posts every hold, then records the batch final; failing voids
/// every hold, then records the batch failed, and only after reading that no payout of the batch was paid
/// on chain. A batch with a paid payout whose transaction says otherwise is left alone with an error for
/// the operator: a paid payout is never voided. PayoutBatcher pays an id at most once, ever, so no resend
/// or replacement can pay twice.
/// </para>
/// <para>
/// Every batch write carries the leader's fence, and the lease is read before each round and before the
/// ledger is moved, so a deposed leader stops before it writes anything.
/// </para>
/// <para>
/// Gathering reads the deny list once per round: a pending payout whose destination was denied after
/// its request is failed (<c>destination_denied</c>) and its hold voided (<see cref="PayoutDenials"/>)
/// instead of batched. Holds a crash left pending on Failed payouts are voided by
/// <see cref="FailedHoldSweep"/> on the first round, after a faulted one, and at its interval.
/// </para>
/// </remarks>
public sealed partial class PayoutTracker
{
    private readonly IPayoutStore payouts;
    private readonly PayoutLedger ledger;
    private readonly ILeaseStore leases;
    private readonly PayoutOptions options;
    private readonly PayoutMetrics metrics;
    private readonly TimeProvider clock;
    private readonly ILogger<PayoutTracker> logger;
    private readonly FailedHoldSweep sweep;
    private readonly PayoutDenials denials;

    public PayoutTracker(
        IPayoutStore payouts, PayoutLedger ledger, ILeaseStore leases, PayoutOptions options, PayoutMetrics metrics, TimeProvider clock, ILogger<PayoutTracker> logger)
    {
        this.payouts = payouts;
        this.ledger = ledger;
        this.leases = leases;
        this.options = options;
        this.metrics = metrics;
        this.clock = clock;
        this.logger = logger;
        sweep = new FailedHoldSweep(payouts, ledger, leases, options, metrics, clock, logger);
        denials = new PayoutDenials(payouts, sweep, leases, options, metrics, clock, logger);
    }

    /// <summary>The most not-final batches looked at in one round; with more, nothing new is gathered.</summary>
    public const int OpenBatchesPerRoundMax = 64;

    /// <summary>The most pending payouts read in one round to gather a batch from.</summary>
    public const int PendingPayoutsPerRoundMax = 1000;

    /// <summary>A payout's destination: a 20-byte address.</summary>
    private const int DestinationBytes = 20;

    /// <summary>
    /// Voids the holds a crash left pending on Failed payouts (when the sweep is due), moves every open
    /// batch on, then gathers and moves on a new one when nothing is waiting to be signed or mined.
    /// </summary>
    public async Task RunRoundAsync(IPayoutChain chain, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(fence);
        try
        {
            await RunRoundOnceAsync(chain, fence, cancellationToken);
        }
        catch
        {
            // The round may have stopped between failing a payout and voiding its hold.
            sweep.MarkDue();
            throw;
        }
    }

    private async Task RunRoundOnceAsync(IPayoutChain chain, SettlementFence fence, CancellationToken cancellationToken)
    {
        await EnsureLeaderAsync(fence, cancellationToken);
        await sweep.RunIfDueAsync(fence, cancellationToken);
        var open = await payouts.ListOpenBatchesAsync(OpenBatchesPerRoundMax, cancellationToken);
        var waiting = open.Count >= OpenBatchesPerRoundMax;
        foreach (var batch in open)
        {
            var status = await AdvanceAsync(chain, batch, fence, cancellationToken);
            waiting |= status is PayoutBatchStatus.Open or PayoutBatchStatus.Signed;
        }

        if (waiting)
        {
            return;
        }

        if (await GatherAsync(chain, fence, cancellationToken) is { } opened)
        {
            await AdvanceAsync(chain, opened, fence, cancellationToken);
        }
    }

    private async Task<PayoutBatchStatus> AdvanceAsync(IPayoutChain chain, PayoutBatch batch, SettlementFence fence, CancellationToken cancellationToken)
    {
        switch (batch.Status)
        {
            case PayoutBatchStatus.Open:
                return await SignAsync(chain, batch, replaced: null, fence, cancellationToken);

            case PayoutBatchStatus.Signed:
                await ResendAsync(chain, batch, cancellationToken);
                var check = await chain.CheckAsync(batch, cancellationToken);
                switch (check.State)
                {
                    case PayoutCheckState.Included:
                        await RecordIncludedAsync(batch, check, fence, cancellationToken);
                        return PayoutBatchStatus.Included;
                    case PayoutCheckState.Final:
                        await RecordIncludedAsync(batch, check, fence, cancellationToken);
                        return await FinalAsync(batch, fence, cancellationToken);
                    case PayoutCheckState.Displaced when batch.Attempts < options.AttemptsMax:
                        LogReplacing(logger, batch.Seq, batch.Attempts, options.AttemptsMax);
                        return await SignAsync(chain, batch, replaced: batch.TxHash, fence, cancellationToken);
                    case PayoutCheckState.Displaced:
                        return await FailAsync(chain, batch, $"dropped: displaced after {batch.Attempts} transactions", fence, cancellationToken);
                    case PayoutCheckState.Failed:
                        return await FailAsync(chain, batch, $"reverted: {check.Reason}", fence, cancellationToken);
                    default:
                        if (check.Reason is { } reason)
                        {
                            LogStillPending(logger, batch.Seq, reason);
                        }

                        return PayoutBatchStatus.Signed;
                }

            case PayoutBatchStatus.Included:
                var standing = await chain.CheckAsync(batch, cancellationToken);
                switch (standing.State)
                {
                    case PayoutCheckState.Included:
                        return PayoutBatchStatus.Included;
                    case PayoutCheckState.Final:
                        return await FinalAsync(batch, fence, cancellationToken);
                    case PayoutCheckState.Reorganised:
                        LogReorganised(logger, batch.Seq, batch.BlockNumber ?? 0);
                        SettlementWriteRefusedException.ThrowUnlessApplied(
                            await payouts.RecordBatchReorganisedAsync(batch.Seq, batch.TxHash!, clock.GetUtcNow(), fence, cancellationToken),
                            $"Payout batch {batch.Seq} reorganised");
                        await ResendAsync(chain, batch, cancellationToken);
                        return PayoutBatchStatus.Signed;
                    default:
                        // A check with the recorded block answers Included, Final or Reorganised for a
                        // transaction that succeeded there; anything else means the record is not this chain's.
                        LogUnexpectedCheck(logger, batch.Seq, standing.State, standing.Reason);
                        return PayoutBatchStatus.Included;
                }

            default:
                return batch.Status;
        }
    }

    /// <summary>
    /// Signs, records (replacing <paramref name="replaced"/> if set) and sends the batch's pay, after
    /// checking that every hold is pending and no payout is paid on chain.
    /// </summary>
    private async Task<PayoutBatchStatus> SignAsync(IPayoutChain chain, PayoutBatch batch, byte[]? replaced, SettlementFence fence, CancellationToken cancellationToken)
    {
        var batchPayouts = await LoadPayoutsAsync(batch, cancellationToken);
        foreach (var payout in batchPayouts)
        {
            if (!await ledger.IsHeldAsync(payout.Id, cancellationToken))
            {
                // The batch cannot be paid as recorded. A hold already voided is a failure of this batch
                // begun before a crash; any other state stops the failure below, loudly.
                LogHoldNotPending(logger, batch.Seq, payout.Id);
                return await FailAsync(chain, batch, "hold_not_pending", fence, cancellationToken);
            }
        }

        if (await PaidAsync(chain, batch, cancellationToken) is { } paid)
        {
            LogPaidBeforeSigning(logger, batch.Seq, paid);
            return batch.Status;
        }

        var total = batchPayouts.Aggregate(BigInteger.Zero, static (sum, p) => sum + p.TokenAmount);
        await chain.EnsureAllowanceAsync(total, cancellationToken);
        var recorded = false;
        try
        {
            var signed = await chain.SubmitAsync(
                batchPayouts,
                async (transaction, token) =>
                {
                    SettlementWriteRefusedException.ThrowUnlessApplied(
                        await payouts.RecordBatchSignedAsync(batch.Seq, replaced, transaction, clock.GetUtcNow(), fence, token),
                        $"Payout batch {batch.Seq} signed");
                    recorded = true;
                    options.CrashHook?.Invoke(PayoutCrashPoint.AfterSigned);
                },
                cancellationToken);
            LogSigned(logger, batch.Seq, batchPayouts.Count, Convert.ToHexString(signed.TxHash), signed.Nonce);
            options.CrashHook?.Invoke(PayoutCrashPoint.AfterSent);
            return PayoutBatchStatus.Signed;
        }
        catch (Exception exception) when (recorded && exception is JsonRpcException or RpcTransportException)
        {
            // The transaction is recorded; only its first sending failed. The next round sends the same
            // bytes again, or replaces them once their nonce is taken.
            LogSendFailed(logger, batch.Seq, exception.Message);
            return PayoutBatchStatus.Signed;
        }
        catch (PayoutRefusedException refused) when (refused.Refusal == PayoutRefusal.Unfunded)
        {
            metrics.TreasuryShortfall();
            LogUnfunded(logger, batch.Seq, total, refused.Message);
            return batch.Status;
        }
        catch (PayoutRefusedException refused) when (refused.Refusal is PayoutRefusal.Invalid or PayoutRefusal.GasCapExceeded)
        {
            LogUnpayableBatch(logger, batch.Seq, refused);
            return await FailAsync(chain, batch, $"refused: {refused.ErrorName ?? refused.Refusal.ToString()}", fence, cancellationToken);
        }
        catch (PayoutRefusedException refused)
        {
            LogRefused(logger, batch.Seq, refused);
            return batch.Status;
        }
    }

    /// <summary>The final path: every hold posted, then the batch recorded final (its payouts confirmed).</summary>
    private async Task<PayoutBatchStatus> FinalAsync(PayoutBatch batch, SettlementFence fence, CancellationToken cancellationToken)
    {
        options.CrashHook?.Invoke(PayoutCrashPoint.AfterFinal);
        await EnsureLeaderAsync(fence, cancellationToken);
        await ledger.ResolveManyAsync(batch.PayoutIds, paid: true, cancellationToken);

        SettlementWriteRefusedException.ThrowUnlessApplied(
            await payouts.RecordBatchFinalAsync(batch.Seq, batch.TxHash!, clock.GetUtcNow(), fence, cancellationToken), $"Payout batch {batch.Seq} final");
        metrics.BatchFinal(batch.PayoutIds.Count);
        LogFinal(logger, batch.Seq, batch.PayoutIds.Count);
        return PayoutBatchStatus.Final;
    }

    /// <summary>
    /// The failure path: unless a payout of the batch reads paid on chain, every hold is voided (the funds
    /// are back), then the batch is recorded failed (its payouts failed).
    /// </summary>
    private async Task<PayoutBatchStatus> FailAsync(IPayoutChain chain, PayoutBatch batch, string reason, SettlementFence fence, CancellationToken cancellationToken)
    {
        if (await PaidAsync(chain, batch, cancellationToken) is { } paid)
        {
            LogPaidWhileFailing(logger, batch.Seq, paid, reason);
            return batch.Status;
        }

        await EnsureLeaderAsync(fence, cancellationToken);
        await ledger.ResolveManyAsync(batch.PayoutIds, paid: false, cancellationToken);

        SettlementWriteRefusedException.ThrowUnlessApplied(
            await payouts.RecordBatchFailedAsync(batch.Seq, reason, clock.GetUtcNow(), fence, cancellationToken), $"Payout batch {batch.Seq} failed");
        metrics.BatchFailed(batch.PayoutIds.Count);
        LogFailed(logger, batch.Seq, batch.PayoutIds.Count, reason);
        return PayoutBatchStatus.Failed;
    }

    /// <summary>
    /// Opens the next batch: the oldest pending erc20 payouts whose hold is in the ledger, up to the batch
    /// and gas limits, cut to the longest prefix the treasury's balance covers. Null when there is none.
    /// A payout whose destination is on the deny list (read once, as the round gathers) is failed instead.
    /// </summary>
    private async Task<PayoutBatch?> GatherAsync(IPayoutChain chain, SettlementFence fence, CancellationToken cancellationToken)
    {
        var most = Math.Min(options.BatchMax, chain.PayoutsPerTransactionMax);
        var pending = await payouts.ListPendingPayoutsAsync(PendingPayoutsPerRoundMax, cancellationToken);
        if (pending.Count == 0)
        {
            return null;
        }

        var denied = await DenyList.LoadAsync(payouts, cancellationToken);
        var held = new List<Payout>(Math.Min(most, pending.Count));
        foreach (var payout in pending)
        {
            if (held.Count == most)
            {
                break;
            }

            if (payout.Rail != PayoutRail.Erc20)
            {
                continue;
            }

            if (!IsPayable(payout))
            {
                LogUnpayablePayout(logger, payout.Id);
                continue;
            }

            if (denied.Contains(payout.Destination))
            {
                await denials.FailAsync(payout, fence, cancellationToken);
                continue;
            }

            switch (await ledger.EnsureHoldAsync(payout, options.HoldGrace, cancellationToken))
            {
                case HoldState.Held:
                    held.Add(payout);
                    break;
                case HoldState.Refused:
                    metrics.HoldRefused();
                    LogHoldRefused(logger, payout.Id);
                    break;
                case HoldState.Resolved:
                    LogHoldResolved(logger, payout.Id);
                    break;
                default:
                    break;
            }
        }

        if (held.Count == 0)
        {
            return null;
        }

        var balance = await chain.TreasuryBalanceAsync(cancellationToken);
        var covered = BigInteger.Zero;
        var fit = 0;
        while (fit < held.Count && covered + held[fit].TokenAmount <= balance)
        {
            covered += held[fit].TokenAmount;
            fit++;
        }

        if (fit < held.Count)
        {
            var wanted = held.Aggregate(BigInteger.Zero, static (sum, p) => sum + p.TokenAmount);
            metrics.TreasuryShortfall();
            LogShortfall(logger, held.Count - fit, balance, wanted - balance);
        }

        if (fit == 0)
        {
            return null;
        }

        var ids = held.Take(fit).Select(static p => p.Id).ToList();
        var (result, seq) = await payouts.TryOpenBatchAsync(ids, clock.GetUtcNow(), fence, cancellationToken);
        SettlementWriteRefusedException.ThrowUnlessApplied(result, $"Opening a payout batch of {ids.Count}");
        metrics.BatchOpened();
        LogOpened(logger, seq, ids.Count, covered);
        return await payouts.GetBatchAsync(seq, cancellationToken)
            ?? throw new InvalidOperationException($"Payout batch {seq} was opened but cannot be read back.");
    }

    /// <summary>The batch's payouts in batch order, as recorded.</summary>
    private async Task<List<Payout>> LoadPayoutsAsync(PayoutBatch batch, CancellationToken cancellationToken)
    {
        var loaded = new List<Payout>(batch.PayoutIds.Count);
        foreach (var id in batch.PayoutIds)
        {
            var payout = await payouts.GetPayoutAsync(id, cancellationToken)
                ?? throw new InvalidOperationException($"Payout batch {batch.Seq} names payout {id}, which is not recorded.");
            if (payout.BatchSeq != batch.Seq || payout.Rail != PayoutRail.Erc20)
            {
                throw new InvalidOperationException($"Payout {id} is in batch {payout.BatchSeq} on rail {payout.Rail}, but batch {batch.Seq} names it.");
            }

            loaded.Add(payout);
        }

        return loaded;
    }

    /// <summary>The first payout of the batch that reads paid on chain, or null when none does.</summary>
    private static async Task<UInt128?> PaidAsync(IPayoutChain chain, PayoutBatch batch, CancellationToken cancellationToken)
    {
        var paid = await chain.ArePaidAsync(batch.PayoutIds, cancellationToken);
        for (var i = 0; i < paid.Count; i++)
        {
            if (paid[i])
            {
                return batch.PayoutIds[i];
            }
        }

        return null;
    }

    private async Task RecordIncludedAsync(PayoutBatch batch, PayoutCheck check, SettlementFence fence, CancellationToken cancellationToken)
    {
        var inclusion = check.Inclusion ?? throw new InvalidOperationException("An included payout check carries its inclusion.");
        SettlementWriteRefusedException.ThrowUnlessApplied(
            await payouts.RecordBatchIncludedAsync(batch.Seq, batch.TxHash!, inclusion.BlockNumber, inclusion.BlockHash, clock.GetUtcNow(), fence, cancellationToken),
            $"Payout batch {batch.Seq} included");
        LogIncluded(logger, batch.Seq, inclusion.BlockNumber, inclusion.Confirmations);
    }

    private async Task ResendAsync(IPayoutChain chain, PayoutBatch batch, CancellationToken cancellationToken)
    {
        if (batch.RawTx is not { } raw)
        {
            return;
        }

        try
        {
            await chain.ResendAsync(raw, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The node refused the bytes (most often: their nonce is taken). The check that follows says
            // whether the transaction is mined, still pending, or displaced.
            LogResendRefused(logger, batch.Seq, exception.Message);
        }
    }

    /// <summary>Throws unless the fence's epoch still holds the lease: a deposed leader moves no money.</summary>
    private Task EnsureLeaderAsync(SettlementFence fence, CancellationToken cancellationToken) => LeaseCheck.EnsureHeldAsync(leases, fence, "Payouts", cancellationToken);

    /// <summary>A payout the contract can pay: a non-zero amount to a non-zero 20-byte address.</summary>
    private static bool IsPayable(Payout payout) =>
        payout.TokenAmount > UInt128.Zero && payout.Destination is { Length: DestinationBytes } destination && destination.AsSpan().ContainsAnyExcept((byte)0);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payout batch {Seq} opened with {Count} payouts ({Total} token units).")]
    private static partial void LogOpened(ILogger logger, ulong seq, int count, BigInteger total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payout batch {Seq} ({Count} payouts): transaction {TxHash} (nonce {Nonce}) recorded and sent.")]
    private static partial void LogSigned(ILogger logger, ulong seq, int count, string txHash, ulong nonce);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payout batch {Seq} included in block {Block} ({Confirmations} confirmations).")]
    private static partial void LogIncluded(ILogger logger, ulong seq, ulong block, ulong confirmations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payout batch {Seq} is final: {Count} payouts confirmed, their holds posted.")]
    private static partial void LogFinal(ILogger logger, ulong seq, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout batch {Seq} failed ({Reason}): {Count} holds voided, the funds are back.")]
    private static partial void LogFailed(ILogger logger, ulong seq, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout batch {Seq}: its transaction's nonce was taken by another; replacement {Attempt} of at most {AttemptsMax} transactions is signed.")]
    private static partial void LogReplacing(ILogger logger, ulong seq, int attempt, int attemptsMax);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout batch {Seq}: its block {Block} left the chain; the same transaction is sent again.")]
    private static partial void LogReorganised(ILogger logger, ulong seq, ulong block);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Payout batch {Seq} is not settled yet: {Reason}.")]
    private static partial void LogStillPending(ILogger logger, ulong seq, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payout batch {Seq}: the check of its recorded block answered {State} ({Reason}); the batch is left as it is.")]
    private static partial void LogUnexpectedCheck(ILogger logger, ulong seq, PayoutCheckState state, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout batch {Seq}: the hold of payout {PayoutId} is not pending, so the batch cannot be paid as recorded; it is failed.")]
    private static partial void LogHoldNotPending(ILogger logger, ulong seq, UInt128 payoutId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payout batch {Seq}: payout {PayoutId} is already paid on chain, though the batch was never paid; nothing is signed. Operator attention needed.")]
    private static partial void LogPaidBeforeSigning(ILogger logger, ulong seq, UInt128 payoutId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payout batch {Seq} would fail ({Reason}), but payout {PayoutId} reads paid on chain: nothing is voided and the batch is left as it is. Operator attention needed.")]
    private static partial void LogPaidWhileFailing(ILogger logger, ulong seq, UInt128 payoutId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout batch {Seq}: the treasury cannot cover {Total} token units (balance or allowance); it waits. {Reason}")]
    private static partial void LogUnfunded(ILogger logger, ulong seq, BigInteger total, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payout batch {Seq} can never be paid as it is; it is failed.")]
    private static partial void LogUnpayableBatch(ILogger logger, ulong seq, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payout batch {Seq}: the chain refuses its pay; the batch waits. Operator attention needed.")]
    private static partial void LogRefused(ILogger logger, ulong seq, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout batch {Seq}: the recorded transaction could not be sent: {Reason}.")]
    private static partial void LogSendFailed(ILogger logger, ulong seq, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Payout batch {Seq}: the node refused the recorded bytes: {Reason}.")]
    private static partial void LogResendRefused(ILogger logger, ulong seq, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Treasury shortfall: {Waiting} held payouts wait; the treasury holds {Balance} token units, {Shortfall} short of all of them.")]
    private static partial void LogShortfall(ILogger logger, int waiting, BigInteger balance, BigInteger shortfall);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payout {PayoutId}: the ledger refused its hold; the payout is failed.")]
    private static partial void LogHoldRefused(ILogger logger, UInt128 payoutId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Payout {PayoutId} is pending but its hold is already posted or voided; it is not paid.")]
    private static partial void LogHoldResolved(ILogger logger, UInt128 payoutId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payout {PayoutId} has a zero amount or destination and can never be paid; it is left pending. Operator attention needed.")]
    private static partial void LogUnpayablePayout(ILogger logger, UInt128 payoutId);
}
