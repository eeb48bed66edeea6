using System.ComponentModel;
using Ledger.Api.Wire;

namespace Ledger.Api.Contracts;

/// <summary>The body of POST /v1/payments.</summary>
public sealed record CreatePaymentBody
{
    [WireError("invalid_id")]
    [Description("The payment's id, chosen by the client; it is the idempotency key.")]
    public required string Id { get; init; }

    [WireError("invalid_id")]
    public required string QuoteId { get; init; }

    [WireError("invalid_id")]
    [Description("The account debited, in the quote's sell currency.")]
    public required string DebtorAccountId { get; init; }

    [WireError("invalid_id")]
    [Description("The account credited, in the quote's buy currency.")]
    public required string CreditorAccountId { get; init; }

    [WireError("invalid_id")]
    [Description("An optional UUID of the client's own (end-to-end reference).")]
    public string? Reference { get; init; }
}

/// <summary>The body of POST /v1/payments/{id}/release and /reject.</summary>
public sealed record ReviewPaymentBody
{
    [WireError("invalid_reason")]
    [Description("Why, in words (1 to 500 characters); recorded with the decision.")]
    public string? Reason { get; init; }
}

/// <summary>The body of POST /v1/payments/{id}/refunds.</summary>
public sealed record CreateRefundBody
{
    [WireError("invalid_id")]
    [Description("The refund's id, chosen by the client; it is the idempotency key.")]
    public required string Id { get; init; }

    [WireError("invalid_amount")]
    [Description("Minor units of the payment's buy currency to return; all that is left when omitted.")]
    public string? Amount { get; init; }

    [WireError("invalid_id")]
    public string? Reference { get; init; }
}

public sealed record DecisionResponse(
    [property: Description("kyc, single_payment_limit, daily_outflow_limit, velocity_count, velocity_value, operator or ledger.")] string Rule,
    [property: Description("accept, hold or reject.")] string Outcome,
    string Reason,
    string Detail,
    [property: Description("RFC 3339, UTC.")] string At);

public sealed record RefundedResponse(string Amount, string SellAmount, string FeeAmount);

public sealed record PaymentResponse(
    string Id,
    [property: Description("received (RCVD), pending (PDNG: held for review), accepted (ACSP), settled (ACCC: its batch anchored and final) or rejected (RJCT).")] string Status,
    [property: Description("The ISO 20022 status code of status.")] string IsoStatus,
    [property: Description("Why it is rejected or held, as a code.")] string? Reason,
    string QuoteId,
    string DebtorAccountId,
    string CreditorAccountId,
    string? Reference,
    string SellCurrency,
    string SellAmount,
    string BuyCurrency,
    string BuyAmount,
    string FeeCurrency,
    string FeeAmount,
    string Rate,
    RateFraction RateFraction,
    [property: Description("The transfer ids of the legs: debtor → FX liquidity (sell), FX liquidity → creditor (buy), debtor → fee income when there is a fee.")] IReadOnlyList<string> Legs,
    [property: Description("For a held payment: the transfers that posted (released) or voided (rejected) its legs.")] IReadOnlyList<string> ResolutionLegs,
    string? LogIndex,
    ulong? SettlementSeq,
    IReadOnlyList<DecisionResponse> Decisions,
    RefundedResponse Refunded,
    [property: Description("RFC 3339, UTC.")] string CreatedAt,
    [property: Description("RFC 3339, UTC.")] string UpdatedAt);

public sealed record PaymentsResponse(IReadOnlyList<PaymentResponse> Payments, string? Next);

public sealed record RefundResponse(
    string Id,
    string PaymentId,
    [property: Description("received, completed or rejected.")] string Status,
    string? Reason,
    [property: Description("Minor units of the payment's buy currency returned by the creditor.")] string Amount,
    [property: Description("Minor units of the sell currency returned to the debtor: floor of the cumulative share, the rest with the last refund.")] string SellAmount,
    string FeeAmount,
    IReadOnlyList<string> Legs,
    string? Reference,
    [property: Description("RFC 3339, UTC.")] string CreatedAt);

public sealed record RefundsResponse(IReadOnlyList<RefundResponse> Refunds);
