using Ledger.Core.Codec;
using Ledger.Core.Commit;
using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.Fx;
using Ledger.Core.Risk;
using Ledger.Core.StateMachine;
using Ledger.Core.Storage;

namespace Ledger.Core.Payments;

/// <summary>A payment request: pay with a quote from the debtor's account (sell currency) to the creditor's (buy currency).</summary>
public sealed record PaymentRequest(UInt128 Id, UInt128 QuoteId, UInt128 DebtorAccountId, UInt128 CreditorAccountId, UInt128 Reference);

/// <summary>A refund request: <paramref name="BuyAmount"/> of the payment's buy amount goes back (null: all that is left).</summary>
public sealed record RefundRequest(UInt128 Id, UInt128 PaymentId, UInt128? BuyAmount, UInt128 Reference);

/// <summary>
/// Cross-border payments: quotes at a locked rate, payments as one linked chain of ledger transfers
/// through the operator's FX liquidity accounts plus a fee leg, the risk verdict on each, the operator's
/// review of held payments, and refunds.
/// </summary>
/// <remarks>
/// The store records what was asked and decided; the ledger records what moved. A payment is recorded
/// first (stage Received), then its legs are committed under ids derived from its id, then the stage is
/// moved on. A crash between the steps leaves work that <see cref="ResumeAsync"/> (or a retry of the same
/// request) finishes: committing the legs again answers <c>exists</c>, so money moves at most once. The
/// status is always read back from the ledger's transfers, never from the stage alone.
/// </remarks>
public sealed class PaymentProcessor(
    IPaymentStore payments,
    ILedgerStore ledger,
    IDirectoryStore directory,
    LedgerEngine engine,
    TimeProvider clock,
    PaymentOptions options)
{
    private const int ResumeBatch = 100;

    public PaymentOptions Options => options;

    public PaymentMetrics Metrics { get; } = new();

    /// <summary>Quotes selling <paramref name="sellAmount"/> of <paramref name="sell"/> for <paramref name="buy"/>, locked for <see cref="PaymentOptions.QuoteLifetime"/>.</summary>
    public async Task<QuoteOutcome> QuoteAsync(UInt128 participantId, Currency sell, Currency buy, UInt128 sellAmount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sell);
        ArgumentNullException.ThrowIfNull(buy);
        if (sell.Ledger == buy.Ledger)
        {
            return QuoteOutcome.Fail(PaymentError.SameCurrency);
        }

        var inverted = false;
        var rate = await payments.GetFxRateAsync(sell.Ledger, buy.Ledger, cancellationToken);
        if (rate is null)
        {
            rate = await payments.GetFxRateAsync(buy.Ledger, sell.Ledger, cancellationToken);
            inverted = true;
        }

        if (rate is null)
        {
            return QuoteOutcome.Fail(PaymentError.FxRateNotFound);
        }

        var sellSetup = await payments.GetFxCurrencyAsync(sell.Ledger, cancellationToken);
        var buySetup = await payments.GetFxCurrencyAsync(buy.Ledger, cancellationToken);
        if (sellSetup is null || buySetup is null)
        {
            return QuoteOutcome.Fail(PaymentError.FxNotConfigured);
        }

        var calculation = FxQuoteMath.Calculate(sellAmount, sell.Scale, buy.Scale, rate.Rate, inverted, rate.SpreadBps, sellSetup.FeeBps, sellSetup.FeeMinimum);
        switch (calculation.Error)
        {
            case FxQuoteError.AmountTooSmall:
                return QuoteOutcome.Fail(PaymentError.AmountTooSmall);
            case FxQuoteError.AmountTooLarge:
                return QuoteOutcome.Fail(PaymentError.AmountTooLarge);
        }

        var now = clock.GetUtcNow();
        var quote = new FxQuote(
            Uuid.NewV7(),
            participantId,
            sell.Ledger,
            buy.Ledger,
            sellAmount,
            calculation.BuyAmount,
            calculation.FeeAmount,
            rate.Rate,
            inverted,
            rate.SpreadBps,
            calculation.RateNumerator,
            calculation.RateDenominator,
            now,
            now + options.QuoteLifetime);
        await payments.AddQuoteAsync(quote, cancellationToken);
        Metrics.Quoted();
        return new QuoteOutcome(PaymentError.None, quote);
    }

    /// <summary>
    /// Records the payment with its risk verdict and commits its legs (pending when held). The same
    /// request again answers the stored payment (finishing its work if a crash interrupted it); the same
    /// id with anything else different is <see cref="PaymentError.PaymentExists"/>.
    /// </summary>
    public async Task<PaymentOutcome> CreateAsync(PaymentRequest request, UInt128 callerId, bool callerIsOperator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var existing = await payments.GetPaymentAsync(request.Id, cancellationToken);
        if (existing is not null)
        {
            return await ReplayAsync(existing, request, callerId, callerIsOperator, cancellationToken);
        }

        var quote = await payments.GetQuoteAsync(request.QuoteId, cancellationToken);
        if (quote is null || quote.ParticipantId != callerId)
        {
            // Someone else's quote is not found either: quotes are private to who asked.
            return PaymentOutcome.Fail(PaymentError.QuoteNotFound);
        }

        var now = clock.GetUtcNow();
        if (now >= quote.ExpiresAt)
        {
            return PaymentOutcome.Fail(PaymentError.QuoteExpired);
        }

        // Used by this very payment (a concurrent copy of the request recorded it since the read above) is no
        // refusal: the store answers Exists below and the request is replayed.
        if (await payments.GetQuotePaymentAsync(quote.Id, cancellationToken) is { } usedBy && usedBy != request.Id)
        {
            return PaymentOutcome.Fail(PaymentError.QuoteUsed);
        }

        if (request.DebtorAccountId == request.CreditorAccountId)
        {
            return PaymentOutcome.Fail(PaymentError.AccountsMustBeDifferent);
        }

        var debtor = await ledger.GetAccountAsync(request.DebtorAccountId, cancellationToken);
        if (debtor is null)
        {
            return PaymentOutcome.Fail(PaymentError.DebtorAccountNotFound);
        }

        if (!callerIsOperator && debtor.Value.UserData128 != callerId)
        {
            return PaymentOutcome.Fail(PaymentError.NotAccountOwner);
        }

        if (debtor.Value.Ledger != quote.SellLedger)
        {
            return PaymentOutcome.Fail(PaymentError.DebtorCurrencyMismatch);
        }

        var creditor = await ledger.GetAccountAsync(request.CreditorAccountId, cancellationToken);
        if (creditor is null)
        {
            return PaymentOutcome.Fail(PaymentError.CreditorAccountNotFound);
        }

        if (creditor.Value.Ledger != quote.BuyLedger)
        {
            return PaymentOutcome.Fail(PaymentError.CreditorCurrencyMismatch);
        }

        var sellSetup = await payments.GetFxCurrencyAsync(quote.SellLedger, cancellationToken);
        var buySetup = await payments.GetFxCurrencyAsync(quote.BuyLedger, cancellationToken);
        if (sellSetup is null || buySetup is null)
        {
            return PaymentOutcome.Fail(PaymentError.FxNotConfigured);
        }

        // Risk applies to the owner of the debited account, whoever submits (the operator may act for a bank).
        var participantId = debtor.Value.UserData128;
        var participant = await directory.GetParticipantAsync(participantId, cancellationToken);
        var kyc = participant?.KycStatus ?? KycStatus.Pending;

        var draft = new PaymentDraft(
            request.Id,
            participantId,
            quote.Id,
            request.DebtorAccountId,
            request.CreditorAccountId,
            sellSetup.LiquidityAccountId,
            buySetup.LiquidityAccountId,
            sellSetup.FeeAccountId,
            quote.SellLedger,
            quote.BuyLedger,
            quote.SellAmount,
            quote.BuyAmount,
            quote.FeeAmount,
            quote.RateNumerator,
            quote.RateDenominator,
            request.Reference,
            now);
        var creation = await payments.CreatePaymentAsync(
            draft,
            (profile, activity) => RiskEvaluator.Evaluate(new RiskInput(kyc, profile, quote.SellLedger, quote.SellAmount, quote.FeeAmount, activity, now)),
            cancellationToken);
        switch (creation.Kind)
        {
            case PaymentCreationKind.Exists:
                return await ReplayAsync(creation.Payment!, request, callerId, callerIsOperator, cancellationToken);
            case PaymentCreationKind.QuoteUsed:
                return PaymentOutcome.Fail(PaymentError.QuoteUsed);
            case PaymentCreationKind.QuoteNotFound:
                return PaymentOutcome.Fail(PaymentError.QuoteNotFound);
        }

        Metrics.Created(creation.Payment!.RiskOutcome);
        var payment = await ExecuteAsync(creation.Payment!, cancellationToken);
        return new PaymentOutcome(PaymentError.None, payment, await DescribeAsync(payment, cancellationToken), Created: true);
    }

    /// <summary>The operator releases (posts the held legs) or rejects (voids them) a held payment.</summary>
    public async Task<PaymentOutcome> ReviewAsync(UInt128 paymentId, OperatorAction action, string reason, string detail, CancellationToken cancellationToken)
    {
        if (action == OperatorAction.None)
        {
            throw new ArgumentOutOfRangeException(nameof(action), "Release or reject.");
        }

        var payment = await payments.GetPaymentAsync(paymentId, cancellationToken);
        if (payment is null)
        {
            return PaymentOutcome.Fail(PaymentError.PaymentNotFound);
        }

        // Work owed from before (legs not committed yet) is done first, so the decision meets a real hold.
        payment = await ExecuteAsync(payment, cancellationToken);
        var state = await DescribeAsync(payment, cancellationToken);
        if (payment.OperatorAction == action)
        {
            // The same decision again: answer what it led to, as the first answer did (a release the hold outlived is HoldExpired).
            return new PaymentOutcome(action == OperatorAction.Release && state.Status == PaymentStatus.Rejected ? PaymentError.HoldExpired : PaymentError.None, payment, state, Created: false);
        }

        if (state.Status != PaymentStatus.Pending)
        {
            return new PaymentOutcome(state.Reason == HoldExpiredReason ? PaymentError.HoldExpired : PaymentError.NotHeld, payment, state, false);
        }

        var decision = new RiskDecision("operator", action == OperatorAction.Release ? RiskOutcome.Accept : RiskOutcome.Reject, reason, detail, clock.GetUtcNow());
        if (!await payments.TryRecordOperatorActionAsync(paymentId, action, decision, cancellationToken))
        {
            payment = await payments.GetPaymentAsync(paymentId, cancellationToken) ?? payment;
            return new PaymentOutcome(PaymentError.NotHeld, payment, await DescribeAsync(payment, cancellationToken), false);
        }

        Metrics.Reviewed(action);
        payment = await ExecuteAsync(await payments.GetPaymentAsync(paymentId, cancellationToken) ?? payment, cancellationToken);
        state = await DescribeAsync(payment, cancellationToken);
        if (action == OperatorAction.Release && state.Status == PaymentStatus.Rejected)
        {
            // The hold lapsed before the release could post it.
            return new PaymentOutcome(PaymentError.HoldExpired, payment, state, false);
        }

        return new PaymentOutcome(PaymentError.None, payment, state, Created: false);
    }

    /// <summary>Refunds all or part of an accepted payment; only the operator or the creditor account's owner may.</summary>
    public async Task<RefundOutcome> RefundAsync(RefundRequest request, UInt128 callerId, bool callerIsOperator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var existing = await payments.GetRefundAsync(request.Id, cancellationToken);
        if (existing is not null)
        {
            return await ReplayRefundAsync(existing, request, cancellationToken);
        }

        var payment = await payments.GetPaymentAsync(request.PaymentId, cancellationToken);
        if (payment is null)
        {
            return RefundOutcome.Fail(PaymentError.PaymentNotFound);
        }

        if (!callerIsOperator)
        {
            var creditor = await ledger.GetAccountAsync(payment.CreditorAccountId, cancellationToken);
            if (creditor?.UserData128 != callerId)
            {
                return RefundOutcome.Fail(PaymentError.NotAccountOwner);
            }
        }

        var state = await DescribeAsync(await ExecuteAsync(payment, cancellationToken), cancellationToken);
        if (state.Status is not (PaymentStatus.Accepted or PaymentStatus.Settled))
        {
            return RefundOutcome.Fail(PaymentError.NotRefundable);
        }

        var buyAmount = request.BuyAmount;
        if (buyAmount is null)
        {
            // "All that is left" as of now; the store checks again in its transaction.
            var refunded = UInt128.Zero;
            foreach (var refund in await payments.ListRefundsAsync(payment.Id, cancellationToken))
            {
                if (refund.Stage != PaymentStage.Failed)
                {
                    refunded += refund.BuyAmount;
                }
            }

            buyAmount = payment.BuyAmount - refunded;
            if (buyAmount == UInt128.Zero)
            {
                return RefundOutcome.Fail(PaymentError.RefundExceedsPayment);
            }
        }

        var draft = new RefundDraft(request.Id, payment.Id, callerId, buyAmount.Value, request.Reference, clock.GetUtcNow());
        var creation = await payments.CreateRefundAsync(
            draft,
            (stored, totals) => RefundMath.Share(stored.BuyAmount, stored.SellAmount, stored.FeeAmount, totals, draft.BuyAmount),
            cancellationToken);
        switch (creation.Kind)
        {
            case RefundCreationKind.Exists:
                return await ReplayRefundAsync(creation.Refund!, request, cancellationToken);
            case RefundCreationKind.PaymentNotFound:
                return RefundOutcome.Fail(PaymentError.PaymentNotFound);
            case RefundCreationKind.InProgress:
                return RefundOutcome.Fail(PaymentError.RefundInProgress);
            case RefundCreationKind.Exceeds:
                return RefundOutcome.Fail(PaymentError.RefundExceedsPayment);
        }

        var done = await ExecuteRefundAsync(creation.Refund!, payment, cancellationToken);
        return new RefundOutcome(PaymentError.None, done, StatusOf(done), Created: true);
    }

    /// <summary>Finishes work a crash left behind: payments and refunds still Received, and operator decisions not yet carried out.</summary>
    public async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - options.ResumeAfter;
        var done = 0;
        foreach (var payment in await payments.ListUnfinishedPaymentsAsync(before, ResumeBatch, cancellationToken))
        {
            await ExecuteAsync(payment, cancellationToken);
            done++;
        }

        foreach (var refund in await payments.ListUnfinishedRefundsAsync(before, ResumeBatch, cancellationToken))
        {
            var payment = await payments.GetPaymentAsync(refund.PaymentId, cancellationToken)
                ?? throw new InvalidOperationException("A refund's payment is missing; payments are never deleted.");
            await ExecuteRefundAsync(refund, payment, cancellationToken);
            done++;
        }

        Metrics.Resume(done);
        return done;
    }

    /// <summary>Brings the payment's ledger work up to date with what was decided, and returns it as stored after.</summary>
    public async Task<Payment> ExecuteAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.RiskOutcome == RiskOutcome.Reject || payment.Stage == PaymentStage.Resolved)
        {
            return payment;
        }

        if (payment.Stage == PaymentStage.Failed)
        {
            // The ledger wins: legs committed by another attempt after this one's refusal was recorded.
            if (await ledger.GetTransferAsync(PaymentLegs.LegIds(payment)[0], cancellationToken) is null)
            {
                return payment;
            }

            await payments.TryAdvancePaymentAsync(payment.Id, PaymentStage.Committed, null, null, clock.GetUtcNow(), cancellationToken);
            payment = await Reload(payment, cancellationToken);
        }

        var held = payment.RiskOutcome == RiskOutcome.Hold;
        if (payment.Stage == PaymentStage.Received)
        {
            var legs = PaymentLegs.Legs(payment, pending: held, options.HoldTimeoutSeconds);
            var outcome = await engine.CreateTransfersAsync(legs, UInt128.Zero, cancellationToken);
            var failure = FirstFailure(outcome);
            var now = clock.GetUtcNow();
            if (failure is null)
            {
                await payments.TryAdvancePaymentAsync(payment.Id, PaymentStage.Committed, null, null, now, cancellationToken);
            }
            else
            {
                var (index, result) = failure.Value;
                var reason = FailureReason(index, result, legs.Length);
                var decision = new RiskDecision("ledger", RiskOutcome.Reject, reason, $"The ledger refused leg {index + 1} ({LegName(index)}): {result.Name()}; nothing moved.", now);
                if (await payments.TryAdvancePaymentAsync(payment.Id, PaymentStage.Failed, reason, decision, now, cancellationToken))
                {
                    Metrics.LedgerRefused();
                }
            }

            payment = await Reload(payment, cancellationToken);
        }

        if (held && payment.Stage == PaymentStage.Committed && payment.OperatorAction != OperatorAction.None)
        {
            var resolution = PaymentLegs.Resolution(payment, post: payment.OperatorAction == OperatorAction.Release);
            await engine.CreateTransfersAsync(resolution, UInt128.Zero, cancellationToken);

            // Posted, voided, or expired before the decision reached the ledger: either way the hold is over.
            var first = await ledger.GetTransferAsync(PaymentLegs.LegIds(payment)[0], cancellationToken);
            if (first?.Pending is { Status: not PendingStatus.Pending })
            {
                await payments.TryAdvancePaymentAsync(payment.Id, PaymentStage.Resolved, null, null, clock.GetUtcNow(), cancellationToken);
                payment = await Reload(payment, cancellationToken);
            }
        }

        return payment;
    }

    /// <summary>Commits a refund's legs if they are owed, and returns the refund as stored after.</summary>
    public async Task<Refund> ExecuteRefundAsync(Refund refund, Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refund);
        if (refund.Stage != PaymentStage.Received)
        {
            return refund;
        }

        var legs = PaymentLegs.RefundLegs(refund, payment);
        var outcome = await engine.CreateTransfersAsync(legs, UInt128.Zero, cancellationToken);
        var failure = FirstFailure(outcome);
        var now = clock.GetUtcNow();
        if (failure is null)
        {
            if (await payments.TryAdvanceRefundAsync(refund.Id, PaymentStage.Committed, null, now, cancellationToken))
            {
                Metrics.Refunded();
            }
        }
        else
        {
            var (index, result) = failure.Value;
            // Leg 1 debits the creditor; leg 2 (when there is a sell share) the sell currency's FX liquidity.
            var reason = (index, result) switch
            {
                (0, CreateTransferResult.ExceedsCredits) => "insufficient_funds",
                (_, CreateTransferResult.ExceedsCredits) when legs[index].Code == PaymentLegs.RefundSellLegCode => "insufficient_fx_liquidity",
                _ => result.Name(),
            };
            await payments.TryAdvanceRefundAsync(refund.Id, PaymentStage.Failed, reason, now, cancellationToken);
        }

        return await payments.GetRefundAsync(refund.Id, cancellationToken) ?? refund;
    }

    /// <summary>The payment's status, read from the ledger's transfers and the settlement batches.</summary>
    public async Task<PaymentState> DescribeAsync(Payment payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var legIds = PaymentLegs.LegIds(payment);
        if (payment.RiskOutcome == RiskOutcome.Reject)
        {
            return new PaymentState(PaymentStatus.Rejected, payment.RiskReason, legIds, [], null, null);
        }

        if (payment.Stage is PaymentStage.Failed or PaymentStage.Received
            && await ledger.GetTransferAsync(legIds[0], cancellationToken) is null)
        {
            // Nothing in the ledger: refused, or not committed yet. Legs that exist win over the stage.
            return payment.Stage == PaymentStage.Failed
                ? new PaymentState(PaymentStatus.Rejected, payment.FailureReason, legIds, [], null, null)
                : new PaymentState(PaymentStatus.Received, null, legIds, [], null, null);
        }

        if (payment.RiskOutcome == RiskOutcome.Accept)
        {
            return await CompletedAsync(legIds, [], legIds[^1], cancellationToken);
        }

        var first = await ledger.GetTransferAsync(legIds[0], cancellationToken)
            ?? throw new InvalidOperationException("A committed payment's first leg is missing from the ledger.");
        var pending = first.Pending ?? throw new InvalidOperationException("A held payment's first leg is not a pending transfer.");
        var nowNanoseconds = (ulong)(clock.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100UL;
        switch (pending.StatusAt(nowNanoseconds))
        {
            case PendingStatus.Pending:
                return new PaymentState(PaymentStatus.Pending, payment.RiskReason, legIds, [], null, null);
            case PendingStatus.Posted:
                var posts = PaymentLegs.PostIds(payment);
                return await CompletedAsync(legIds, posts, posts[^1], cancellationToken);
            case PendingStatus.Voided:
                return new PaymentState(PaymentStatus.Rejected, OperatorReason(payment) ?? "rejected_by_operator", legIds, PaymentLegs.VoidIds(payment), null, null);
            default:
                return new PaymentState(PaymentStatus.Rejected, HoldExpiredReason, legIds, [], null, null);
        }
    }

    public static RefundStatus StatusOf(Refund refund)
    {
        ArgumentNullException.ThrowIfNull(refund);
        return refund.Stage switch
        {
            PaymentStage.Received => RefundStatus.Received,
            PaymentStage.Failed => RefundStatus.Rejected,
            _ => RefundStatus.Completed,
        };
    }

    public const string HoldExpiredReason = "hold_expired";

    private async Task<PaymentState> CompletedAsync(IReadOnlyList<UInt128> legIds, IReadOnlyList<UInt128> resolutionIds, UInt128 lastId, CancellationToken cancellationToken)
    {
        var last = await ledger.GetTransferAsync(lastId, cancellationToken)
            ?? throw new InvalidOperationException("A committed payment's transfer is missing from the ledger.");
        ulong? seq = null;
        var status = PaymentStatus.Accepted;
        if (ledger is ISettlementStore settlements && await settlements.FindSettlementOfLogIndexAsync(last.LogIndex, cancellationToken) is { } batch)
        {
            seq = batch.Seq;
            if (batch.Anchor.Status == Settlement.AnchorStatus.Final)
            {
                status = PaymentStatus.Settled;
            }
        }

        return new PaymentState(status, null, legIds, resolutionIds, last.LogIndex, seq);
    }

    private async Task<PaymentOutcome> ReplayAsync(Payment existing, PaymentRequest request, UInt128 callerId, bool callerIsOperator, CancellationToken cancellationToken)
    {
        var same = existing.QuoteId == request.QuoteId
            && existing.DebtorAccountId == request.DebtorAccountId
            && existing.CreditorAccountId == request.CreditorAccountId
            && existing.Reference == request.Reference
            && (callerIsOperator || existing.ParticipantId == callerId);
        if (!same)
        {
            return PaymentOutcome.Fail(PaymentError.PaymentExists);
        }

        var payment = await ExecuteAsync(existing, cancellationToken);
        return new PaymentOutcome(PaymentError.None, payment, await DescribeAsync(payment, cancellationToken), Created: false);
    }

    private async Task<RefundOutcome> ReplayRefundAsync(Refund existing, RefundRequest request, CancellationToken cancellationToken)
    {
        if (existing.PaymentId != request.PaymentId
            || existing.Reference != request.Reference
            || (request.BuyAmount is { } amount && amount != existing.BuyAmount))
        {
            return RefundOutcome.Fail(PaymentError.RefundExists);
        }

        var payment = await payments.GetPaymentAsync(existing.PaymentId, cancellationToken)
            ?? throw new InvalidOperationException("A refund's payment is missing; payments are never deleted.");
        var refund = await ExecuteRefundAsync(existing, payment, cancellationToken);
        return new RefundOutcome(PaymentError.None, refund, StatusOf(refund), Created: false);
    }

    private async Task<Payment> Reload(Payment payment, CancellationToken cancellationToken) =>
        await payments.GetPaymentAsync(payment.Id, cancellationToken)
        ?? throw new InvalidOperationException("A recorded payment is missing; payments are never deleted.");

    private static string? OperatorReason(Payment payment)
    {
        for (var i = payment.Decisions.Count - 1; i >= 0; i--)
        {
            if (payment.Decisions[i].Rule == "operator")
            {
                return payment.Decisions[i].Reason;
            }
        }

        return null;
    }

    /// <summary>The event that made a linked chain fail (the others say linked_event_failed), or null when every leg is created or exists.</summary>
    private static (int Index, CreateTransferResult Result)? FirstFailure(CreateTransfersOutcome outcome)
    {
        if (outcome.Forbidden)
        {
            throw new InvalidOperationException("Payment legs are committed as the operator; the engine cannot forbid them.");
        }

        (int, CreateTransferResult)? linked = null;
        foreach (var result in outcome.Results)
        {
            switch (result.Result)
            {
                case CreateTransferResult.Created or CreateTransferResult.Exists:
                    continue;
                case CreateTransferResult.LinkedEventFailed:
                    linked ??= (result.Index, result.Result);
                    continue;
                default:
                    return (result.Index, result.Result);
            }
        }

        return linked;
    }

    private static string FailureReason(int index, CreateTransferResult result, int legCount) => (index, result) switch
    {
        (1, CreateTransferResult.ExceedsCredits) => "insufficient_fx_liquidity",
        (0, CreateTransferResult.ExceedsCredits) => "insufficient_funds",
        (2, CreateTransferResult.ExceedsCredits) when legCount == 3 => "insufficient_funds",
        _ => result.Name(),
    };

    private static string LegName(int index) => index switch
    {
        0 => "debtor to FX liquidity",
        1 => "FX liquidity to creditor",
        _ => "debtor to fee income",
    };
}
