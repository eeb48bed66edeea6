namespace Ledger.Core.Payments;

/// <summary>A refund as requested: how much of the payment's buy amount goes back.</summary>
public sealed record RefundDraft(UInt128 Id, UInt128 PaymentId, UInt128 RequestedBy, UInt128 BuyAmount, UInt128 Reference, DateTimeOffset CreatedAt);

/// <summary>
/// A recorded refund: <see cref="BuyAmount"/> goes from the creditor back to the FX liquidity account of the
/// buy currency, <see cref="SellAmount"/> from the sell currency's liquidity account back to the debtor, and
/// <see cref="FeeAmount"/> from fee income back to the debtor, as one linked chain.
/// </summary>
public sealed record Refund(
    UInt128 Id,
    UInt128 PaymentId,
    UInt128 RequestedBy,
    UInt128 BuyAmount,
    UInt128 SellAmount,
    UInt128 FeeAmount,
    UInt128 Reference,
    PaymentStage Stage,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What the payment's refunds that are not Failed add up to.</summary>
public sealed record RefundTotals(UInt128 BuyAmount, UInt128 SellAmount, UInt128 FeeAmount)
{
    public static readonly RefundTotals Zero = new(UInt128.Zero, UInt128.Zero, UInt128.Zero);
}

/// <summary>The sell and fee amounts that go back with a refund's buy amount.</summary>
public readonly record struct RefundShare(UInt128 SellAmount, UInt128 FeeAmount);

public enum RefundCreationKind
{
    Created,

    /// <summary>A refund with this id exists already; <see cref="RefundCreation.Refund"/> is the stored one.</summary>
    Exists,

    PaymentNotFound,

    /// <summary>Another refund of the payment is still Received: refunds of one payment go one at a time.</summary>
    InProgress,

    /// <summary>The share function refused: the refund is more than what is left to refund.</summary>
    Exceeds,
}

public sealed record RefundCreation(RefundCreationKind Kind, Refund? Refund);
