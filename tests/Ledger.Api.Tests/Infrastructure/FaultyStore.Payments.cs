using Ledger.Core.Fx;
using Ledger.Core.Payments;
using Ledger.Core.Risk;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>The payment store's calls, failing like the rest while <see cref="FaultyStore.Failing"/> is set.</summary>
public sealed partial class FaultyStore
{
    private IPaymentStore Payments => (IPaymentStore)inner;

    public ValueTask SetFxRateAsync(FxRateEntry rate, CancellationToken cancellationToken) { Check(); return Payments.SetFxRateAsync(rate, cancellationToken); }

    public ValueTask<FxRateEntry?> GetFxRateAsync(uint baseLedger, uint quoteLedger, CancellationToken cancellationToken) { Check(); return Payments.GetFxRateAsync(baseLedger, quoteLedger, cancellationToken); }

    public ValueTask<IReadOnlyList<FxRateEntry>> ListFxRatesAsync(CancellationToken cancellationToken) { Check(); return Payments.ListFxRatesAsync(cancellationToken); }

    public ValueTask SetFxCurrencyAsync(FxCurrencySetup setup, CancellationToken cancellationToken) { Check(); return Payments.SetFxCurrencyAsync(setup, cancellationToken); }

    public ValueTask<FxCurrencySetup?> GetFxCurrencyAsync(uint ledger, CancellationToken cancellationToken) { Check(); return Payments.GetFxCurrencyAsync(ledger, cancellationToken); }

    public ValueTask<IReadOnlyList<FxCurrencySetup>> ListFxCurrenciesAsync(CancellationToken cancellationToken) { Check(); return Payments.ListFxCurrenciesAsync(cancellationToken); }

    public ValueTask AddQuoteAsync(FxQuote quote, CancellationToken cancellationToken) { Check(); return Payments.AddQuoteAsync(quote, cancellationToken); }

    public ValueTask<FxQuote?> GetQuoteAsync(UInt128 id, CancellationToken cancellationToken) { Check(); return Payments.GetQuoteAsync(id, cancellationToken); }

    public ValueTask<UInt128?> GetQuotePaymentAsync(UInt128 quoteId, CancellationToken cancellationToken) { Check(); return Payments.GetQuotePaymentAsync(quoteId, cancellationToken); }

    public ValueTask SetRiskProfileAsync(UInt128 participantId, RiskProfile? profile, CancellationToken cancellationToken) { Check(); return Payments.SetRiskProfileAsync(participantId, profile, cancellationToken); }

    public ValueTask<RiskProfile?> GetRiskProfileAsync(UInt128 participantId, CancellationToken cancellationToken) { Check(); return Payments.GetRiskProfileAsync(participantId, cancellationToken); }

    public ValueTask<PaymentCreation> CreatePaymentAsync(PaymentDraft draft, Func<RiskProfile?, PaymentActivity, RiskAssessment> assess, CancellationToken cancellationToken) { Check(); return Payments.CreatePaymentAsync(draft, assess, cancellationToken); }

    public ValueTask<Payment?> GetPaymentAsync(UInt128 id, CancellationToken cancellationToken) { Check(); return Payments.GetPaymentAsync(id, cancellationToken); }

    public ValueTask<IReadOnlyList<Payment>> ListPaymentsAsync(PaymentQuery query, CancellationToken cancellationToken) { Check(); return Payments.ListPaymentsAsync(query, cancellationToken); }

    public ValueTask<IReadOnlyList<Payment>> ListUnfinishedPaymentsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken) { Check(); return Payments.ListUnfinishedPaymentsAsync(createdBefore, limit, cancellationToken); }

    public ValueTask<bool> TryRecordOperatorActionAsync(UInt128 paymentId, OperatorAction action, RiskDecision decision, CancellationToken cancellationToken) { Check(); return Payments.TryRecordOperatorActionAsync(paymentId, action, decision, cancellationToken); }

    public ValueTask<bool> TryAdvancePaymentAsync(UInt128 paymentId, PaymentStage stage, string? failureReason, RiskDecision? decision, DateTimeOffset at, CancellationToken cancellationToken) { Check(); return Payments.TryAdvancePaymentAsync(paymentId, stage, failureReason, decision, at, cancellationToken); }

    public ValueTask<RefundCreation> CreateRefundAsync(RefundDraft draft, Func<Payment, RefundTotals, RefundShare?> share, CancellationToken cancellationToken) { Check(); return Payments.CreateRefundAsync(draft, share, cancellationToken); }

    public ValueTask<Refund?> GetRefundAsync(UInt128 id, CancellationToken cancellationToken) { Check(); return Payments.GetRefundAsync(id, cancellationToken); }

    public ValueTask<IReadOnlyList<Refund>> ListRefundsAsync(UInt128 paymentId, CancellationToken cancellationToken) { Check(); return Payments.ListRefundsAsync(paymentId, cancellationToken); }

    public ValueTask<IReadOnlyList<Refund>> ListUnfinishedRefundsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken) { Check(); return Payments.ListUnfinishedRefundsAsync(createdBefore, limit, cancellationToken); }

    public ValueTask<bool> TryAdvanceRefundAsync(UInt128 refundId, PaymentStage stage, string? failureReason, DateTimeOffset at, CancellationToken cancellationToken) { Check(); return Payments.TryAdvanceRefundAsync(refundId, stage, failureReason, at, cancellationToken); }
}
