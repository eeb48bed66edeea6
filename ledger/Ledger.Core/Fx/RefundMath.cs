using System.Numerics;
using Ledger.Core.Payments;

namespace Ledger.Core.Fx;

/// <summary>
/// How much of a payment's sell amount and fee goes back with a refund of part of its buy amount.
/// </summary>
public static class RefundMath
{
    /// <summary>
    /// The sell and fee amounts that go back with a refund of <paramref name="refundBuy"/> of the payment's
    /// buy amount, given what its earlier refunds returned. With cumulative = refunded buy + this refund:
    /// sell = floor(cumulative × paymentSell / paymentBuy) − refunded sell, and fee = floor(cumulative ×
    /// paymentFee / paymentBuy) − refunded fee, each clamped at zero. Working on the cumulative amounts means
    /// a partial refund rounds down (the operator's favour) yet never loses a minor unit for good: the refund
    /// that completes the buy amount returns exactly the rest of the sell amount and the fee, and at no step
    /// have the refunds together returned more than their proportional share.
    /// </summary>
    /// <returns>
    /// Null when <paramref name="refundBuy"/> is zero or the refunds together would exceed
    /// <paramref name="paymentBuy"/>.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="paymentBuy"/> is zero.</exception>
    public static RefundShare? Share(UInt128 paymentBuy, UInt128 paymentSell, UInt128 paymentFee, RefundTotals refunded, UInt128 refundBuy)
    {
        ArgumentNullException.ThrowIfNull(refunded);
        if (paymentBuy == UInt128.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(paymentBuy), "A payment that bought nothing has nothing to refund.");
        }

        // Written as a comparison against what is left, so the sum is never formed and cannot overflow;
        // totals already above the payment (which consistent refunds never produce) refuse every refund.
        if (refundBuy == UInt128.Zero || refunded.BuyAmount > paymentBuy || refundBuy > paymentBuy - refunded.BuyAmount)
        {
            return null;
        }

        var cumulative = refunded.BuyAmount + refundBuy;
        return new RefundShare(
            Rest(cumulative, paymentSell, paymentBuy, refunded.SellAmount),
            Rest(cumulative, paymentFee, paymentBuy, refunded.FeeAmount));
    }

    /// <summary>floor(cumulative × amount / paymentBuy) − alreadyReturned, at least zero.</summary>
    private static UInt128 Rest(UInt128 cumulative, UInt128 amount, UInt128 paymentBuy, UInt128 alreadyReturned)
    {
        // cumulative ≤ paymentBuy, so the quotient is at most amount and fits 128 bits.
        var due = (UInt128)(((BigInteger)cumulative * (BigInteger)amount) / (BigInteger)paymentBuy);
        return due > alreadyReturned ? due - alreadyReturned : UInt128.Zero;
    }
}
