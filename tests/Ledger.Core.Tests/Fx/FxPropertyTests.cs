using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Ledger.Core.Fx;
using Ledger.Core.Payments;

namespace Ledger.Core.Tests.Fx;

public sealed record QuoteCase(UInt128 Sell, byte SellScale, byte BuyScale, FxDecimal Rate, bool Inverted, ushort SpreadBps, ushort FeeBps, UInt128 FeeMinimum);

public sealed record RefundCase(UInt128 PaymentBuy, UInt128 PaymentSell, UInt128 PaymentFee, UInt128[] Parts)
{
    public override string ToString() =>
        $"RefundCase(buy {PaymentBuy}, sell {PaymentSell}, fee {PaymentFee}, parts [{string.Join(", ", Parts)}])";
}

/// <summary>
/// Random quotes and refunds checked against the rule written as inequalities over exact integers, so the
/// check does not repeat the implementation's arithmetic.
/// </summary>
public sealed class FxPropertyTests
{
    private const int Cases = 2000;

    private static readonly BigInteger Max = UInt128.MaxValue;

    private static readonly UInt128 MantissaLimit = UInt128.Parse("1" + new string('0', FxDecimal.DigitsMax), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A value of a random bit length up to <paramref name="bitsMax"/> (so small and huge values are both common),
    /// its bits drawn from four 32-bit words.
    /// </summary>
    private static Gen<UInt128> Bits(int bitsMax) =>
        from bits in Gen.Choose(0, bitsMax)
        from a in Gen.Choose(int.MinValue, int.MaxValue)
        from b in Gen.Choose(int.MinValue, int.MaxValue)
        from c in Gen.Choose(int.MinValue, int.MaxValue)
        from d in Gen.Choose(int.MinValue, int.MaxValue)
        select bits == 0
            ? UInt128.Zero
            : new UInt128(((ulong)(uint)a << 32) | (uint)b, ((ulong)(uint)c << 32) | (uint)d) >> (128 - bits);

    private static Gen<ushort> UShort(int max) => Gen.Choose(0, max).Select(v => (ushort)v);

    private static Gen<FxDecimal> RateGen =>
        from raw in Bits(100)
        from scale in Gen.Choose(0, FxDecimal.ScaleMax)
        select new FxDecimal(raw % MantissaLimit == UInt128.Zero ? UInt128.One : raw % MantissaLimit, (byte)scale);

    private static Arbitrary<QuoteCase> Quotes =>
        Arb.From(
            from sell in Bits(128)
            from sellScale in Gen.Choose(0, 18)
            from buyScale in Gen.Choose(0, 18)
            from rate in RateGen
            from inverted in Gen.Elements(false, true)
            from spread in Gen.Frequency((1, Gen.Constant((ushort)0)), (3, UShort(FxRateEntry.SpreadBpsMax)))
            from feeBps in Gen.Frequency((1, Gen.Constant((ushort)0)), (3, UShort(FxCurrencySetup.FeeBpsMax)))
            from feeMinimum in Gen.Frequency((2, Gen.Constant(UInt128.Zero)), (3, Bits(128)))
            select new QuoteCase(sell, (byte)sellScale, (byte)buyScale, rate, inverted, spread, feeBps, feeMinimum));

    [Fact]
    public void Buy_is_the_floor_fee_is_the_ceiling_or_the_minimum_and_the_rate_is_reduced()
    {
        var property = Prop.ForAll(Quotes, q =>
        {
            var result = FxQuoteMath.Calculate(q.Sell, q.SellScale, q.BuyScale, q.Rate, q.Inverted, q.SpreadBps, q.FeeBps, q.FeeMinimum);
            BigInteger n = result.RateNumerator;
            BigInteger d = result.RateDenominator;

            // The rate is the rule's fraction in lowest terms: equal by cross-multiplication, gcd 1.
            BigInteger m = q.Rate.Mantissa;
            var tenK = BigInteger.Pow(10, q.Rate.Scale);
            var kept = new BigInteger(10_000 - q.SpreadBps);
            var unreducedN = q.Inverted ? tenK * kept : m * kept;
            var unreducedD = q.Inverted ? m * 10_000 : tenK * 10_000;
            Assert.Equal(unreducedN * d, unreducedD * n);
            Assert.Equal(BigInteger.One, BigInteger.GreatestCommonDivisor(n, d));

            BigInteger sell = q.Sell;
            var value = sell * n * BigInteger.Pow(10, q.BuyScale);
            var unit = d * BigInteger.Pow(10, q.SellScale);
            var feeExact = sell * q.FeeBps;
            if (result.Error == FxQuoteError.None)
            {
                BigInteger buy = result.BuyAmount;
                BigInteger fee = result.FeeAmount;

                // buy × den × 10^ss ≤ sell × num × 10^bs < (buy + 1) × den × 10^ss.
                Assert.True(buy * unit <= value && value < (buy + 1) * unit, "buy is not the floor");
                Assert.True(buy > 0 && sell > 0);

                // fee ≥ the minimum and ≥ sell × bps / 10000; and it is either the minimum or the ceiling.
                Assert.True(fee >= q.FeeMinimum && fee * 10_000 >= feeExact, "fee below its floor");
                var isCeiling = (fee - 1) * 10_000 < feeExact;
                Assert.True(fee == q.FeeMinimum || isCeiling, "fee is neither the minimum nor the ceiling");
                Assert.True(sell + fee <= Max);
            }
            else if (result.Error == FxQuoteError.AmountTooSmall)
            {
                // Less than one minor unit bought: value < unit.
                Assert.True(sell.IsZero || value < unit, "too small, but at least one minor unit is bought");
                Assert.Equal((UInt128.Zero, UInt128.Zero), (result.BuyAmount, result.FeeAmount));
            }
            else
            {
                Assert.Equal(FxQuoteError.AmountTooLarge, result.Error);
                Assert.True(sell > 0 && value >= unit, "too large, but nothing is bought");

                // The buy amount is at least Max + 1 minor units, or the sell amount plus the fee (at its
                // smallest possible value, the larger of the minimum and sell × bps / 10000) passes Max.
                var buyTooLarge = value >= (Max + 1) * unit;
                var feeAtLeast = BigInteger.Max(q.FeeMinimum, (feeExact + 9_999) / 10_000);
                Assert.True(buyTooLarge || sell + feeAtLeast > Max, "too large, but everything fits");
                Assert.Equal((UInt128.Zero, UInt128.Zero), (result.BuyAmount, result.FeeAmount));
            }

            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithName("quote rounding"), property);
    }

    [Fact]
    public void Inverted_rate_times_direct_rate_without_spread_is_exactly_one()
    {
        var property = Prop.ForAll(Arb.From(RateGen), rate =>
        {
            var direct = FxQuoteMath.Calculate(1, 0, 0, rate, inverted: false, spreadBps: 0, feeBps: 0, feeMinimum: 0);
            var inverse = FxQuoteMath.Calculate(1, 0, 0, rate, inverted: true, spreadBps: 0, feeBps: 0, feeMinimum: 0);
            Assert.Equal((BigInteger)direct.RateNumerator * inverse.RateNumerator, (BigInteger)direct.RateDenominator * inverse.RateDenominator);
            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithName("inverse rate"), property);
    }

    private static Arbitrary<RefundCase> Refunds =>
        Arb.From(
            from buy in Bits(128).Select(b => b == UInt128.Zero ? UInt128.One : b)
            from sell in Bits(128)
            from fee in Bits(128)
            from cutCount in Gen.Choose(0, 7)
            from cuts in Bits(128).ArrayOf(cutCount)
            select new RefundCase(buy, sell, fee, Split(buy, cuts)));

    /// <summary>Cuts <paramref name="total"/> at the given points (taken modulo it) into parts that are all above zero.</summary>
    private static UInt128[] Split(UInt128 total, UInt128[] cuts)
    {
        var points = cuts.Select(c => c % total).Where(c => c != UInt128.Zero).Distinct().Order().Append(total).ToArray();
        var parts = new UInt128[points.Length];
        var previous = UInt128.Zero;
        for (var i = 0; i < points.Length; i++)
        {
            parts[i] = points[i] - previous;
            previous = points[i];
        }

        return parts;
    }

    [Fact]
    public void Refunds_in_any_split_return_exactly_the_sell_amount_and_fee_never_running_ahead()
    {
        var property = Prop.ForAll(Refunds, r =>
        {
            BigInteger buy = r.PaymentBuy;
            var totals = RefundTotals.Zero;
            foreach (var part in r.Parts)
            {
                var share = RefundMath.Share(r.PaymentBuy, r.PaymentSell, r.PaymentFee, totals, part);
                Assert.NotNull(share);
                totals = new RefundTotals(totals.BuyAmount + part, totals.SellAmount + share.Value.SellAmount, totals.FeeAmount + share.Value.FeeAmount);

                // The running totals never pass their proportional share: returned × buy ≤ cumulative × amount.
                BigInteger cumulative = totals.BuyAmount;
                Assert.True((BigInteger)totals.SellAmount * buy <= cumulative * r.PaymentSell, "sell ran ahead");
                Assert.True((BigInteger)totals.FeeAmount * buy <= cumulative * r.PaymentFee, "fee ran ahead");

                // One refund on its own is at most the ceiling of its proportional share.
                Assert.True((BigInteger)share.Value.SellAmount * buy < ((BigInteger)part * r.PaymentSell) + buy, "partial sell above its ceiling");
                Assert.True((BigInteger)share.Value.FeeAmount * buy < ((BigInteger)part * r.PaymentFee) + buy, "partial fee above its ceiling");
            }

            Assert.Equal(new RefundTotals(r.PaymentBuy, r.PaymentSell, r.PaymentFee), totals);
            Assert.Null(RefundMath.Share(r.PaymentBuy, r.PaymentSell, r.PaymentFee, totals, 1));
            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithName("refund splits"), property);
    }
}
