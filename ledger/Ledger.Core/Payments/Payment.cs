using Ledger.Core.Risk;

namespace Ledger.Core.Payments;

/// <summary>A new payment as the node asks the store to record it: the request, with the quote it uses.</summary>
public sealed record PaymentDraft(
    UInt128 Id,
    UInt128 ParticipantId,
    UInt128 QuoteId,
    UInt128 DebtorAccountId,
    UInt128 CreditorAccountId,
    UInt128 LiquiditySellAccountId,
    UInt128 LiquidityBuyAccountId,
    UInt128 FeeAccountId,
    uint SellLedger,
    uint BuyLedger,
    UInt128 SellAmount,
    UInt128 BuyAmount,
    UInt128 FeeAmount,
    UInt128 RateNumerator,
    UInt128 RateDenominator,
    UInt128 Reference,
    DateTimeOffset CreatedAt);

/// <summary>
/// A recorded payment: what was asked (the draft's fields), the risk verdict with every decision taken on
/// it since (oldest first), the operator's action on a held payment, and the stage of its ledger work.
/// <see cref="FailureReason"/> is the ledger's refusal (a failure code such as <c>exceeds_credits</c>) when the
/// stage is Failed.
/// </summary>
public sealed record Payment(
    UInt128 Id,
    UInt128 ParticipantId,
    UInt128 QuoteId,
    UInt128 DebtorAccountId,
    UInt128 CreditorAccountId,
    UInt128 LiquiditySellAccountId,
    UInt128 LiquidityBuyAccountId,
    UInt128 FeeAccountId,
    uint SellLedger,
    uint BuyLedger,
    UInt128 SellAmount,
    UInt128 BuyAmount,
    UInt128 FeeAmount,
    UInt128 RateNumerator,
    UInt128 RateDenominator,
    UInt128 Reference,
    RiskOutcome RiskOutcome,
    string? RiskReason,
    IReadOnlyList<RiskDecision> Decisions,
    OperatorAction OperatorAction,
    PaymentStage Stage,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public enum PaymentCreationKind
{
    /// <summary>The payment is recorded with its risk verdict and the quote is now used by it.</summary>
    Created,

    /// <summary>A payment with this id exists already; nothing changed. <see cref="PaymentCreation.Payment"/> is the stored one.</summary>
    Exists,

    /// <summary>The quote is used by another payment; nothing changed.</summary>
    QuoteUsed,

    /// <summary>There is no quote with this id; nothing changed.</summary>
    QuoteNotFound,
}

public sealed record PaymentCreation(PaymentCreationKind Kind, Payment? Payment);

/// <summary>A page of payments, oldest first by (created_at, id), after a cursor.</summary>
public sealed record PaymentQuery(
    UInt128? ParticipantId,
    bool AwaitingReviewOnly,
    DateTimeOffset? AfterCreatedAt,
    UInt128 AfterId,
    int Limit)
{
    public const int LimitMax = 1_000;
}
