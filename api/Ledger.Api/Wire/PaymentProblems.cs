using Ledger.Core.Payments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Wire;

/// <summary>The problem (status, code, sentence) for each reason a payment operation changed nothing.</summary>
public static class PaymentProblems
{
    public static ProblemHttpResult For(PaymentError error) => error switch
    {
        PaymentError.SameCurrency => Problems.BadRequest("same_currency", "The sell and buy currencies must differ."),
        PaymentError.FxRateNotFound => Problems.Unprocessable("fx_rate_not_found", "The operator has no rate for this pair, in either direction."),
        PaymentError.FxNotConfigured => Problems.Unprocessable("fx_not_configured", "The operator has not set up FX liquidity and fee accounts for both currencies (PUT /v1/fx/currencies/{code})."),
        PaymentError.AmountTooSmall => Problems.Unprocessable("amount_too_small", "At this rate the amount buys nothing: the buy amount rounds down to zero minor units."),
        PaymentError.AmountTooLarge => Problems.Unprocessable("amount_too_large", "The amount, its conversion or the amount plus the fee does not fit 128 bits."),
        PaymentError.QuoteNotFound => Problems.NotFound("There is no such quote of the caller's."),
        PaymentError.QuoteExpired => Problems.Conflict("quote_expired", "The quote has expired; ask for a new one."),
        PaymentError.QuoteUsed => Problems.Conflict("quote_used", "The quote is used by another payment; a quote pays once."),
        PaymentError.PaymentExists => Problems.Conflict("payment_exists", "A payment with this id exists with different fields."),
        PaymentError.PaymentNotFound => Problems.NotFound("There is no such payment."),
        PaymentError.DebtorAccountNotFound => Problems.Unprocessable("debtor_account_not_found", "There is no account with debtor_account_id."),
        PaymentError.CreditorAccountNotFound => Problems.Unprocessable("creditor_account_not_found", "There is no account with creditor_account_id."),
        PaymentError.DebtorCurrencyMismatch => Problems.Unprocessable("debtor_currency_mismatch", "The debtor account is not in the quote's sell currency."),
        PaymentError.CreditorCurrencyMismatch => Problems.Unprocessable("creditor_currency_mismatch", "The creditor account is not in the quote's buy currency."),
        PaymentError.AccountsMustBeDifferent => Problems.BadRequest("accounts_must_be_different", "The debtor and creditor accounts must differ."),
        PaymentError.NotAccountOwner => Problems.Forbidden("forbidden", "The caller does not own the account this needs (the debtor's to pay, the creditor's to refund)."),
        PaymentError.NotHeld => Problems.Conflict("payment_not_held", "The payment is not held for review (or another decision was taken first)."),
        PaymentError.HoldExpired => Problems.Conflict("hold_expired", "The hold lapsed before it was released; the funds are back and the payment is rejected."),
        PaymentError.NotRefundable => Problems.Conflict("payment_not_refundable", "Only an accepted or settled payment can be refunded."),
        PaymentError.RefundExists => Problems.Conflict("refund_exists", "A refund with this id exists with different fields."),
        PaymentError.RefundInProgress => Problems.Conflict("refund_in_progress", "Another refund of this payment is still being committed; try again in a moment."),
        PaymentError.RefundExceedsPayment => Problems.Conflict("refund_exceeds_payment", "The refund is more than what is left of the payment to refund."),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "No problem for this error."),
    };
}
