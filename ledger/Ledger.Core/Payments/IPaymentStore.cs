using Ledger.Core.Fx;
using Ledger.Core.Risk;

namespace Ledger.Core.Payments;

/// <summary>
/// FX configuration, quotes, risk profiles, payments and refunds, in the system of record. Money never
/// moves here: the legs are ledger transfers committed by the engine. What this store guarantees is that
/// a quote is used once, that a payment's risk verdict sees every earlier payment of its participant
/// (creation is serialised per participant), and that one payment's refunds never add up to more than it.
/// </summary>
public interface IPaymentStore
{
    /// <summary>Inserts or replaces the pair's entry.</summary>
    ValueTask SetFxRateAsync(FxRateEntry rate, CancellationToken cancellationToken);

    ValueTask<FxRateEntry?> GetFxRateAsync(uint baseLedger, uint quoteLedger, CancellationToken cancellationToken);

    /// <summary>Every entry, ordered by base then quote ledger.</summary>
    ValueTask<IReadOnlyList<FxRateEntry>> ListFxRatesAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the currency's setup.</summary>
    ValueTask SetFxCurrencyAsync(FxCurrencySetup setup, CancellationToken cancellationToken);

    ValueTask<FxCurrencySetup?> GetFxCurrencyAsync(uint ledger, CancellationToken cancellationToken);

    /// <summary>Every setup, ordered by ledger.</summary>
    ValueTask<IReadOnlyList<FxCurrencySetup>> ListFxCurrenciesAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new quote (its id is new: the node makes it).</summary>
    ValueTask AddQuoteAsync(FxQuote quote, CancellationToken cancellationToken);

    ValueTask<FxQuote?> GetQuoteAsync(UInt128 id, CancellationToken cancellationToken);

    /// <summary>The payment using the quote, or null while it is unused.</summary>
    ValueTask<UInt128?> GetQuotePaymentAsync(UInt128 quoteId, CancellationToken cancellationToken);

    /// <summary>Sets a participant's profile (<see cref="UInt128.Zero"/>: the default for participants without one); null removes it.</summary>
    ValueTask SetRiskProfileAsync(UInt128 participantId, RiskProfile? profile, CancellationToken cancellationToken);

    ValueTask<RiskProfile?> GetRiskProfileAsync(UInt128 participantId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a payment, in one transaction serialised with every other creation for the same participant:
    /// an existing id answers Exists (nothing changes, whatever the draft says); an unknown quote
    /// QuoteNotFound; a quote used by another payment QuoteUsed. Otherwise it reads the participant's
    /// profile (or the default one), its <see cref="PaymentActivity"/> as of the draft's creation time, calls
    /// <paramref name="assess"/> (pure, no I/O) and stores the payment with that verdict and its decisions,
    /// stage Received, marking the quote used.
    /// </summary>
    ValueTask<PaymentCreation> CreatePaymentAsync(
        PaymentDraft draft,
        Func<RiskProfile?, PaymentActivity, RiskAssessment> assess,
        CancellationToken cancellationToken);

    ValueTask<Payment?> GetPaymentAsync(UInt128 id, CancellationToken cancellationToken);

    /// <summary>Payments in (created_at, id) order after the query's cursor; awaiting review = held, no operator action yet, not Failed.</summary>
    ValueTask<IReadOnlyList<Payment>> ListPaymentsAsync(PaymentQuery query, CancellationToken cancellationToken);

    /// <summary>Payments at stage Received created before the time, or held with an operator action but still at stage Committed: work owed after a crash. Oldest first.</summary>
    ValueTask<IReadOnlyList<Payment>> ListUnfinishedPaymentsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records the operator's release or reject of a held payment with its decision, if the payment is
    /// held, has no operator action yet and is not Failed; false (nothing changed) otherwise.
    /// </summary>
    ValueTask<bool> TryRecordOperatorActionAsync(UInt128 paymentId, OperatorAction action, RiskDecision decision, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the payment's stage forward: to Committed or Resolved from any lower stage or from Failed (the
    /// ledger wins: its legs exist), never backwards; to Failed only from Received, with the failure
    /// reason and its decision. False when the move is not allowed (nothing changed).
    /// </summary>
    ValueTask<bool> TryAdvancePaymentAsync(UInt128 paymentId, PaymentStage stage, string? failureReason, RiskDecision? decision, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Records a refund in one transaction serialised per payment: an existing id answers Exists; a missing
    /// payment PaymentNotFound; another of the payment's refunds at stage Received InProgress. Otherwise it
    /// sums the payment's refunds that are not Failed and calls <paramref name="share"/> (pure); null from it
    /// is Exceeds; else the refund is stored at stage Received with that share.
    /// </summary>
    ValueTask<RefundCreation> CreateRefundAsync(
        RefundDraft draft,
        Func<Payment, RefundTotals, RefundShare?> share,
        CancellationToken cancellationToken);

    ValueTask<Refund?> GetRefundAsync(UInt128 id, CancellationToken cancellationToken);

    /// <summary>The payment's refunds, oldest first.</summary>
    ValueTask<IReadOnlyList<Refund>> ListRefundsAsync(UInt128 paymentId, CancellationToken cancellationToken);

    /// <summary>Refunds at stage Received created before the time, oldest first.</summary>
    ValueTask<IReadOnlyList<Refund>> ListUnfinishedRefundsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Same rules as <see cref="TryAdvancePaymentAsync"/>, for a refund (Committed is its last stage).</summary>
    ValueTask<bool> TryAdvanceRefundAsync(UInt128 refundId, PaymentStage stage, string? failureReason, DateTimeOffset at, CancellationToken cancellationToken);
}
