using System.Numerics;

namespace Ledger.Core.Fx;

/// <summary>
/// Prices an FX conversion exactly, in integers, with every rounding in the operator's favour.
/// </summary>
public static class FxQuoteMath
{
    private const int BasisPointsPerWhole = 10_000;

    /// <summary>The largest number of minor-unit digits a currency may have (the same bound as a rate's scale).</summary>
    private const int CurrencyScaleMax = FxDecimal.ScaleMax;

    private static readonly BigInteger UInt128Max = UInt128.MaxValue;

    private static readonly BigInteger MantissaLimit = BigInteger.Pow(10, FxDecimal.DigitsMax);

    /// <summary>
    /// Prices selling <paramref name="sellAmount"/> (minor units of a currency with
    /// <paramref name="sellScale"/> fractional digits) for a currency with <paramref name="buyScale"/>
    /// fractional digits. The rule, all in exact integer arithmetic:
    /// <list type="number">
    /// <item>The mid rate is M / 10^k (<paramref name="midRate"/>). The all-in rate r, in buy major units per sell
    /// major unit, is (M × (10000 − spread)) / (10^k × 10000) when the rate entry is for this direction, and
    /// (10^k × (10000 − spread)) / (M × 10000) when <paramref name="inverted"/> (the entry is for the pair the
    /// other way round). The spread is in basis points. <see cref="FxQuoteCalculation.RateNumerator"/> /
    /// <see cref="FxQuoteCalculation.RateDenominator"/> is that fraction divided by its greatest common divisor.</item>
    /// <item>buy amount = floor(sell amount × RateNumerator × 10^buyScale / (RateDenominator × 10^sellScale)):
    /// one rounding, down to the buy currency's minor unit.</item>
    /// <item>fee amount, in the sell currency = max(<paramref name="feeMinimum"/>, ceil(sell amount ×
    /// <paramref name="feeBps"/> / 10000)): rounded up.</item>
    /// <item><see cref="FxQuoteError.AmountTooSmall"/> when the sell amount or the buy amount is zero;
    /// otherwise <see cref="FxQuoteError.AmountTooLarge"/> when the buy amount, the fee amount, or the sell
    /// amount plus the fee amount does not fit 128 bits.</item>
    /// </list>
    /// Both roundings favour the operator: the buyer never receives a fraction of a minor unit more than the
    /// rate gives, and the fee is never a fraction of a minor unit less than its rate.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="spreadBps"/> above <see cref="FxRateEntry.SpreadBpsMax"/>, <paramref name="feeBps"/> above
    /// <see cref="FxCurrencySetup.FeeBpsMax"/>, a scale (sell, buy or the rate's) above 18, or a mid rate that is
    /// zero or has more than <see cref="FxDecimal.DigitsMax"/> digits.
    /// </exception>
    public static FxQuoteCalculation Calculate(
        UInt128 sellAmount,
        byte sellScale,
        byte buyScale,
        FxDecimal midRate,
        bool inverted,
        ushort spreadBps,
        ushort feeBps,
        UInt128 feeMinimum)
    {
        if (spreadBps > FxRateEntry.SpreadBpsMax)
        {
            throw new ArgumentOutOfRangeException(nameof(spreadBps), spreadBps, $"A spread is at most {FxRateEntry.SpreadBpsMax} basis points.");
        }

        if (feeBps > FxCurrencySetup.FeeBpsMax)
        {
            throw new ArgumentOutOfRangeException(nameof(feeBps), feeBps, $"A fee is at most {FxCurrencySetup.FeeBpsMax} basis points.");
        }

        if (sellScale > CurrencyScaleMax)
        {
            throw new ArgumentOutOfRangeException(nameof(sellScale), sellScale, $"A currency has at most {CurrencyScaleMax} fractional digits.");
        }

        if (buyScale > CurrencyScaleMax)
        {
            throw new ArgumentOutOfRangeException(nameof(buyScale), buyScale, $"A currency has at most {CurrencyScaleMax} fractional digits.");
        }

        if (midRate.Scale > FxDecimal.ScaleMax)
        {
            throw new ArgumentOutOfRangeException(nameof(midRate), midRate.Scale, $"A rate has at most {FxDecimal.ScaleMax} fractional digits.");
        }

        if (midRate.Mantissa == UInt128.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(midRate), "A rate is above zero.");
        }

        var mantissa = (BigInteger)midRate.Mantissa;
        if (mantissa >= MantissaLimit)
        {
            // The bound keeps the rate fraction inside 128 bits: below 10^30 × 10^4 on either side.
            throw new ArgumentOutOfRangeException(nameof(midRate), $"A rate has at most {FxDecimal.DigitsMax} digits.");
        }

        var rateScale = BigInteger.Pow(10, midRate.Scale);
        var keptBps = new BigInteger(BasisPointsPerWhole - spreadBps);
        var numerator = inverted ? rateScale * keptBps : mantissa * keptBps;
        var denominator = inverted ? mantissa * BasisPointsPerWhole : rateScale * BasisPointsPerWhole;
        var divisor = BigInteger.GreatestCommonDivisor(numerator, denominator);
        numerator /= divisor;
        denominator /= divisor;

        // Both sides are below 10^34 < 2^128 before reduction (mantissa below 10^30, 10^k at most 10^18,
        // basis points at most 10^4), so the conversions cannot fail.
        var rateNumerator = (UInt128)numerator;
        var rateDenominator = (UInt128)denominator;

        var sell = (BigInteger)sellAmount;
        var buy = (sell * numerator * BigInteger.Pow(10, buyScale)) / (denominator * BigInteger.Pow(10, sellScale));
        if (sell.IsZero || buy.IsZero)
        {
            return new FxQuoteCalculation(FxQuoteError.AmountTooSmall, UInt128.Zero, UInt128.Zero, rateNumerator, rateDenominator);
        }

        // Ceiling of a non-negative quotient: (a + b − 1) / b.
        var feeByRate = ((sell * feeBps) + (BasisPointsPerWhole - 1)) / BasisPointsPerWhole;
        var fee = BigInteger.Max((BigInteger)feeMinimum, feeByRate);
        if (buy > UInt128Max || fee > UInt128Max || sell + fee > UInt128Max)
        {
            return new FxQuoteCalculation(FxQuoteError.AmountTooLarge, UInt128.Zero, UInt128.Zero, rateNumerator, rateDenominator);
        }

        return new FxQuoteCalculation(FxQuoteError.None, (UInt128)buy, (UInt128)fee, rateNumerator, rateDenominator);
    }
}
