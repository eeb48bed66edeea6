using Ledger.Core.Fx;
using Ledger.Core.Payments;

namespace Ledger.Core.Tests.Fx;

public sealed class RefundMathTests
{
    // The payment of the inverted USD to EUR example: 100.00 USD sold (10000) plus a 0.50 USD fee (50)
    // bought 92.59 EUR (9259).
    private const ulong Buy = 9259;
    private const ulong Sell = 10_000;
    private const ulong Fee = 50;

    private static RefundShare? Share(RefundTotals refunded, ulong refundBuy) => RefundMath.Share(Buy, Sell, Fee, refunded, refundBuy);

    [Fact]
    public void Partial_refunds_round_down_and_the_last_returns_the_rest()
    {
        // 10.00 EUR back: cumulative 1000; sell floor(1000 × 10000 / 9259) = floor(1080.03) = 1080;
        // fee floor(1000 × 50 / 9259) = floor(5.40) = 5.
        var first = Share(RefundTotals.Zero, 1000);
        Assert.Equal(new RefundShare(1080, 5), first);

        // 50.00 EUR more: cumulative 6000; sell floor(6480.18) − 1080 = 6480 − 1080 = 5400; fee floor(32.40) − 5 = 27.
        var second = Share(new RefundTotals(1000, 1080, 5), 5000);
        Assert.Equal(new RefundShare(5400, 27), second);

        // The remaining 32.59 EUR: cumulative 9259 = the whole buy amount; sell 10000 − 6480 = 3520; fee 50 − 32 = 18.
        var last = Share(new RefundTotals(6000, 6480, 32), 3259);
        Assert.Equal(new RefundShare(3520, 18), last);

        // Nothing is left: one more cent exceeds the payment.
        Assert.Null(Share(new RefundTotals(9259, 10_000, 50), 1));
    }

    [Fact]
    public void A_full_refund_at_once_returns_everything()
    {
        Assert.Equal(new RefundShare(Sell, Fee), Share(RefundTotals.Zero, Buy));
    }

    [Fact]
    public void A_single_partial_can_return_more_than_its_own_share_but_the_total_never_runs_ahead()
    {
        // Buy 2, sell 1: the first half returns floor(1 × 1 / 2) = 0, the second floor(2 × 1 / 2) − 0 = 1.
        // The second refund alone is above its own proportional 0.5; the running total (0, then 1) never is.
        Assert.Equal(new RefundShare(0, 0), RefundMath.Share(2, 1, 0, RefundTotals.Zero, 1));
        Assert.Equal(new RefundShare(1, 0), RefundMath.Share(2, 1, 0, new RefundTotals(1, 0, 0), 1));
    }

    [Fact]
    public void Refuses_zero_and_more_than_is_left()
    {
        Assert.Null(Share(RefundTotals.Zero, 0));
        Assert.Null(Share(RefundTotals.Zero, Buy + 1));
        Assert.Null(Share(new RefundTotals(9000, 0, 0), 260));
        Assert.NotNull(Share(new RefundTotals(9000, 0, 0), 259));
    }

    [Fact]
    public void Refuses_without_overflowing_when_the_sum_passes_128_bits()
    {
        Assert.Null(RefundMath.Share(UInt128.MaxValue, 1, 1, new RefundTotals(UInt128.MaxValue, 1, 1), 1));
        Assert.Null(RefundMath.Share(UInt128.MaxValue, 1, 1, new RefundTotals(2, 0, 0), UInt128.MaxValue));

        // Totals already above the payment (inconsistent history) refuse every refund.
        Assert.Null(RefundMath.Share(10, 10, 0, new RefundTotals(11, 0, 0), 1));
    }

    [Fact]
    public void Largest_amounts_are_exact()
    {
        // cumulative × sell needs 256 bits here; the share is still exact: floor((Max − 1) × Max / Max) = Max − 1.
        var share = RefundMath.Share(UInt128.MaxValue, UInt128.MaxValue, UInt128.MaxValue, RefundTotals.Zero, UInt128.MaxValue - 1);
        Assert.Equal(new RefundShare(UInt128.MaxValue - 1, UInt128.MaxValue - 1), share);
    }

    [Fact]
    public void Amounts_already_returned_beyond_the_due_share_clamp_at_zero()
    {
        // Cumulative 1000 is due 1080 and 5, but 2000 and 9 went back already.
        Assert.Equal(new RefundShare(0, 0), Share(new RefundTotals(500, 2000, 9), 500));
    }

    [Fact]
    public void A_payment_that_bought_nothing_is_refused_as_an_argument()
    {
        Assert.Throws<ArgumentOutOfRangeException>("paymentBuy", () => RefundMath.Share(0, 1, 1, RefundTotals.Zero, 1));
    }
}
