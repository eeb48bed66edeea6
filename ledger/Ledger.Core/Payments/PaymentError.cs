namespace Ledger.Core.Payments;

/// <summary>Why a payment operation changed nothing. The API gives each a problem code and status.</summary>
public enum PaymentError
{
    None = 0,
    SameCurrency,
    FxRateNotFound,
    FxNotConfigured,
    AmountTooSmall,
    AmountTooLarge,
    QuoteNotFound,
    QuoteExpired,
    QuoteUsed,
    PaymentExists,
    PaymentNotFound,
    DebtorAccountNotFound,
    CreditorAccountNotFound,
    DebtorCurrencyMismatch,
    CreditorCurrencyMismatch,
    AccountsMustBeDifferent,
    NotAccountOwner,
    NotHeld,
    HoldExpired,
    NotRefundable,
    RefundExists,
    RefundInProgress,
    RefundExceedsPayment,
}

/// <summary>The outcome of a payment operation: an error, or the payment (new or as it was) and its derived state.</summary>
public sealed record PaymentOutcome(PaymentError Error, Payment? Payment, PaymentState? State, bool Created)
{
    public static PaymentOutcome Fail(PaymentError error) => new(error, null, null, false);
}

/// <summary>The outcome of a refund request.</summary>
public sealed record RefundOutcome(PaymentError Error, Refund? Refund, RefundStatus Status, bool Created)
{
    public static RefundOutcome Fail(PaymentError error) => new(error, null, RefundStatus.Received, false);
}

/// <summary>The outcome of a quote request.</summary>
public sealed record QuoteOutcome(PaymentError Error, Fx.FxQuote? Quote)
{
    public static QuoteOutcome Fail(PaymentError error) => new(error, null);
}
