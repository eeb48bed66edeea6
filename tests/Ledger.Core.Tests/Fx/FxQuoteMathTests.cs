using Ledger.Core.Fx;

namespace Ledger.Core.Tests.Fx;

/// <summary>
/// Hand-worked quotes. Each comment spells out the rule: r = N / D in lowest terms, buy =
/// floor(sell × N × 10^buyScale / (D × 10^sellScale)), fee = max(minimum, ceil(sell × feeBps / 10000)).
/// </summary>
public sealed class FxQuoteMathTests
{
    private const byte Usd = 2;
    private const byte Eur = 2;
    private const byte Jpy = 0;
    private const byte Usdc = 6;

    private static FxDecimal Rate(string text)
    {
        Assert.True(FxDecimalText.TryParse(text, out var rate), text);
        return rate;
    }

    private static FxQuoteCalculation Calculate(
        UInt128 sell, byte sellScale, byte buyScale, string rate, bool inverted, ushort spreadBps, ushort feeBps = 0, ulong feeMinimum = 0) =>
        FxQuoteMath.Calculate(sell, sellScale, buyScale, Rate(rate), inverted, spreadBps, feeBps, feeMinimum);

    private static void AssertQuote(FxQuoteCalculation actual, ulong buy, ulong fee, ulong rateNumerator, ulong rateDenominator)
    {
        Assert.Equal(new FxQuoteCalculation(FxQuoteError.None, buy, fee, rateNumerator, rateDenominator), actual);
    }

    [Fact]
    public void Usd_to_eur_direct_with_spread_rounds_the_buy_amount_down()
    {
        // EUR per USD 0.92 (M = 92, k = 2), spread 50 bps:
        // r = 92 × 9950 / (100 × 10000) = 915400 / 1000000; gcd 200 → 4577 / 5000 (0.9154).
        // Sell 123.45 USD = 12345: 12345 × 4577 × 10^2 / (5000 × 10^2) = 11300.613 → 11300 (113.00 EUR).
        // Fee 30 bps, minimum 50: ceil(12345 × 30 / 10000) = ceil(37.035) = 38 < 50 → 50.
        AssertQuote(Calculate(12_345, Usd, Eur, "0.92", inverted: false, spreadBps: 50, feeBps: 30, feeMinimum: 50), 11_300, 50, 4577, 5000);
    }

    [Fact]
    public void Usd_to_eur_fee_by_basis_points_rounds_up_above_the_minimum()
    {
        // Same rate 4577 / 5000. Sell 10,000.01 USD = 1000001: 1000001 × 4577 / 5000 = 915400.9154 → 915400.
        // Fee 30 bps: ceil(1000001 × 30 / 10000) = ceil(3000.003) = 3001 > 50 → 3001 (not 3000).
        AssertQuote(Calculate(1_000_001, Usd, Eur, "0.92", inverted: false, spreadBps: 50, feeBps: 30, feeMinimum: 50), 915_400, 3001, 4577, 5000);

        // Sell 10,000.00 USD = 1000000: the fee is 1000000 × 30 / 10000 = 3000 exactly, nothing to round.
        // Buy 1000000 × 4577 / 5000 = 915400 exactly.
        AssertQuote(Calculate(1_000_000, Usd, Eur, "0.92", inverted: false, spreadBps: 50, feeBps: 30, feeMinimum: 50), 915_400, 3000, 4577, 5000);
    }

    [Fact]
    public void Usd_to_eur_inverted_without_spread()
    {
        // The table holds EUR/USD 1.08 (M = 108, k = 2); selling USD for EUR uses it inverted:
        // r = 100 × 10000 / (108 × 10000) = 100 / 108; gcd 4 → 25 / 27.
        // Sell 100.00 USD = 10000: 10000 × 25 / 27 = 9259.259 → 9259 (92.59 EUR). No fee.
        AssertQuote(Calculate(10_000, Usd, Eur, "1.08", inverted: true, spreadBps: 0), 9259, 0, 25, 27);
    }

    [Fact]
    public void Usd_to_eur_inverted_with_spread()
    {
        // EUR/USD 1.08 inverted, spread 50 bps: r = 100 × 9950 / (108 × 10000) = 995000 / 1080000; gcd 5000 → 199 / 216.
        // Sell 10000: 10000 × 199 / 216 = 9212.963 → 9212.
        AssertQuote(Calculate(10_000, Usd, Eur, "1.08", inverted: true, spreadBps: 50), 9212, 0, 199, 216);
    }

    [Fact]
    public void Jpy_to_usd_inverted_scales_up_to_cents()
    {
        // The table holds USD/JPY 151.37 (M = 15137, k = 2); selling JPY uses it inverted, spread 25 bps:
        // r = 100 × 9975 / (15137 × 10000) = 997500 / 151370000; gcd 2500 → 399 / 60548.
        // Sell 10000 JPY (scale 0) for USD (scale 2): 10000 × 399 × 10^2 / (60548 × 10^0) = 399000000 / 60548
        // = 6589.813 → 6589 (65.89 USD).
        AssertQuote(Calculate(10_000, Jpy, Usd, "151.37", inverted: true, spreadBps: 25), 6589, 0, 399, 60548);
    }

    [Fact]
    public void Usd_to_jpy_direct_scales_down_to_yen()
    {
        // USD/JPY 151.37, spread 25 bps: r = 15137 × 9975 / (100 × 10000) = 150991575 / 1000000; gcd 25 → 6039663 / 40000.
        // Sell 10.00 USD = 1000 (scale 2) for JPY (scale 0): 1000 × 6039663 × 10^0 / (40000 × 10^2) = 1509.91575 → 1509 JPY.
        AssertQuote(Calculate(1000, Usd, Jpy, "151.37", inverted: false, spreadBps: 25), 1509, 0, 6_039_663, 40_000);
    }

    [Fact]
    public void Usd_to_usdc_at_par_is_exact()
    {
        // Rate 1, spread 0: r = 1 × 10000 / (1 × 10000) → 1 / 1.
        // Sell 123.45 USD = 12345 (scale 2) for USDC (scale 6): 12345 × 10^6 / 10^2 = 123450000 (123.450000 USDC).
        AssertQuote(Calculate(12_345, Usd, Usdc, "1", inverted: false, spreadBps: 0), 123_450_000, 0, 1, 1);

        // Spread 10 bps: r = 9990 / 10000 → 999 / 1000. 12345 × 999 × 10^6 / (1000 × 10^2) = 123326550 exactly.
        AssertQuote(Calculate(12_345, Usd, Usdc, "1", inverted: false, spreadBps: 10), 123_326_550, 0, 999, 1000);
    }

    [Fact]
    public void Usdc_to_usd_drops_the_digits_below_a_cent()
    {
        // Rate 1, spread 0, USDC (6) to USD (2): 1234567 × 10^2 / 10^6 = 123.4567 → 123 (1.23 USD).
        AssertQuote(Calculate(1_234_567, Usdc, Usd, "1", inverted: false, spreadBps: 0), 123, 0, 1, 1);
    }

    [Fact]
    public void Usdc_to_jpy()
    {
        // USDC/JPY 151.37, spread 0: r = 15137 × 10000 / (100 × 10000) → 15137 / 100.
        // Sell 1.000000 USDC = 1000000: 10^6 × 15137 × 10^0 / (100 × 10^6) = 151.37 → 151 JPY.
        AssertQuote(Calculate(1_000_000, Usdc, Jpy, "151.37", inverted: false, spreadBps: 0), 151, 0, 15137, 100);

        // Sell 1.234567 USDC = 1234567: 1234567 × 15137 / 10^8 = 18687640679 / 10^8 = 186.876 → 186 JPY.
        AssertQuote(Calculate(1_234_567, Usdc, Jpy, "151.37", inverted: false, spreadBps: 0), 186, 0, 15137, 100);
    }

    [Fact]
    public void Fee_rounds_up_from_the_smallest_fraction()
    {
        // Rate 1 USD to USD. Fee 1 bps of 1 cent: ceil(1 × 1 / 10000) = ceil(0.0001) = 1 cent.
        AssertQuote(Calculate(1, Usd, Usd, "1", inverted: false, spreadBps: 0, feeBps: 1), 1, 1, 1, 1);

        // Fee 10000 bps (100%): ceil(777 × 10000 / 10000) = 777.
        AssertQuote(Calculate(777, Usd, Usd, "1", inverted: false, spreadBps: 0, feeBps: 10_000), 777, 777, 1, 1);

        // Fee 0 bps and a minimum of 25: max(25, 0) = 25.
        AssertQuote(Calculate(777, Usd, Usd, "1", inverted: false, spreadBps: 0, feeBps: 0, feeMinimum: 25), 777, 25, 1, 1);

        // 9999 × 3 / 10000 = 2.9997 → 3; 10000 × 3 / 10000 = 3 exactly → 3; 10001 × 3 / 10000 = 3.0003 → 4.
        Assert.Equal(3UL, (ulong)Calculate(9_999, Usd, Usd, "1", inverted: false, spreadBps: 0, feeBps: 3).FeeAmount);
        Assert.Equal(3UL, (ulong)Calculate(10_000, Usd, Usd, "1", inverted: false, spreadBps: 0, feeBps: 3).FeeAmount);
        Assert.Equal(4UL, (ulong)Calculate(10_001, Usd, Usd, "1", inverted: false, spreadBps: 0, feeBps: 3).FeeAmount);
    }

    [Fact]
    public void Rate_fraction_is_reduced_by_its_gcd()
    {
        // 1.5, spread 0: 15 × 10000 / (10 × 10000) = 150000 / 100000; gcd 50000 → 3 / 2. Sell 7: 7 × 3 / 2 = 10.5 → 10.
        AssertQuote(Calculate(7, Usd, Usd, "1.5", inverted: false, spreadBps: 0), 10, 0, 3, 2);

        // The same rate written unnormalised (mantissa 150, scale 2) gives the same fraction.
        var unnormalised = FxQuoteMath.Calculate(7, Usd, Usd, new FxDecimal(150, 2), inverted: false, spreadBps: 0, feeBps: 0, feeMinimum: 0);
        AssertQuote(unnormalised, 10, 0, 3, 2);

        // 2 with a 5000 bps spread: 2 × 5000 / (1 × 10000) → 1 / 1. Inverted: 1 × 5000 / (2 × 10000) → 1 / 4.
        AssertQuote(Calculate(9, Usd, Usd, "2", inverted: false, spreadBps: 5000), 9, 0, 1, 1);
        AssertQuote(Calculate(9, Usd, Usd, "2", inverted: true, spreadBps: 5000), 2, 0, 1, 4);
    }

    [Fact]
    public void Amount_too_small_when_nothing_is_sold_or_less_than_one_minor_unit_is_bought()
    {
        // 1 JPY to USD at 1 / 151.37 (inverted, spread 0 → r = 100 / 15137): 1 × 100 × 10^2 / 15137 = 0.66 → 0 cents.
        var oneYen = Calculate(1, Jpy, Usd, "151.37", inverted: true, spreadBps: 0);
        Assert.Equal(new FxQuoteCalculation(FxQuoteError.AmountTooSmall, 0, 0, 100, 15137), oneYen);

        // 2 JPY: 20000 / 15137 = 1.32 → 1 cent, which is enough.
        AssertQuote(Calculate(2, Jpy, Usd, "151.37", inverted: true, spreadBps: 0), 1, 0, 100, 15137);

        // Selling nothing is too small even with a fee minimum.
        Assert.Equal(FxQuoteError.AmountTooSmall, Calculate(0, Usd, Eur, "0.92", inverted: false, spreadBps: 0, feeMinimum: 50).Error);
    }

    [Fact]
    public void Amount_too_large_when_the_buy_amount_or_the_debit_does_not_fit()
    {
        // UInt128.MaxValue cents at 151.37 JPY per USD: MaxValue × 15137 / 10^4 ≈ 1.51 × MaxValue JPY.
        var tooMuchYen = Calculate(UInt128.MaxValue, Usd, Jpy, "151.37", inverted: false, spreadBps: 0);
        Assert.Equal(new FxQuoteCalculation(FxQuoteError.AmountTooLarge, 0, 0, 15137, 100), tooMuchYen);

        // MaxValue at 0.92 buys 0.92 × MaxValue (fits), but MaxValue + a fee minimum of 1 does not.
        Assert.Equal(FxQuoteError.AmountTooLarge, Calculate(UInt128.MaxValue, Usd, Eur, "0.92", inverted: false, spreadBps: 0, feeMinimum: 1).Error);

        // MaxValue − 1 plus the minimum of 1 is exactly MaxValue: fits.
        // Buy = floor((MaxValue − 1) × 23 / 25) (0.92 = 23 / 25).
        var justFits = Calculate(UInt128.MaxValue - 1, Usd, Eur, "0.92", inverted: false, spreadBps: 0, feeMinimum: 1);
        Assert.Equal(FxQuoteError.None, justFits.Error);
        Assert.Equal(UInt128.One, justFits.FeeAmount);
        Assert.Equal((UInt128)((System.Numerics.BigInteger)(UInt128.MaxValue - 1) * 23 / 25), justFits.BuyAmount);

        // A fee rate alone can overflow the debit: MaxValue − 10 with 1 bps adds ceil(≈3.4 × 10^34).
        Assert.Equal(FxQuoteError.AmountTooLarge, Calculate(UInt128.MaxValue - 10, Usd, Usd, "1", inverted: false, spreadBps: 0, feeBps: 1).Error);
    }

    [Fact]
    public void Arguments_out_of_range_throw()
    {
        var rate = Rate("1");
        Assert.Throws<ArgumentOutOfRangeException>("spreadBps", () => FxQuoteMath.Calculate(1, 2, 2, rate, false, 10_000, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>("feeBps", () => FxQuoteMath.Calculate(1, 2, 2, rate, false, 0, 10_001, 0));
        Assert.Throws<ArgumentOutOfRangeException>("sellScale", () => FxQuoteMath.Calculate(1, 19, 2, rate, false, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>("buyScale", () => FxQuoteMath.Calculate(1, 2, 19, rate, false, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>("midRate", () => FxQuoteMath.Calculate(1, 2, 2, new FxDecimal(0, 0), false, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>("midRate", () => FxQuoteMath.Calculate(1, 2, 2, new FxDecimal(1, 19), false, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>("midRate", () => FxQuoteMath.Calculate(1, 2, 2, new FxDecimal(UInt128.Parse("1" + new string('0', 30), System.Globalization.CultureInfo.InvariantCulture), 0), false, 0, 0, 0));

        // The edges themselves are allowed: spread 9999, fee 10000, scales 18, a 30-digit rate.
        var edge = FxQuoteMath.Calculate(1, 18, 18, new FxDecimal(UInt128.Parse(new string('9', 30), System.Globalization.CultureInfo.InvariantCulture), 18), false, 9_999, 10_000, 0);
        Assert.Equal(FxQuoteError.None, edge.Error);
    }
}
