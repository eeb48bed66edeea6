namespace Ledger.Core.Fx;

/// <summary>Why <see cref="FxQuoteMath.Calculate"/> could not price an amount; these are expected results, not faults.</summary>
public enum FxQuoteError
{
    None,

    /// <summary>The sell amount is zero, or it buys less than one minor unit of the buy currency.</summary>
    AmountTooSmall,

    /// <summary>The buy amount, the fee, or the sell amount plus the fee does not fit 128 bits.</summary>
    AmountTooLarge,
}

/// <summary>
/// The result of <see cref="FxQuoteMath.Calculate"/>. <see cref="RateNumerator"/> / <see cref="RateDenominator"/>
/// is the all-in rate (buy major units per sell major unit, spread included) as a fraction in lowest terms;
/// it is set even when <see cref="Error"/> is not <see cref="FxQuoteError.None"/>, while
/// <see cref="BuyAmount"/> and <see cref="FeeAmount"/> are then zero.
/// </summary>
public readonly record struct FxQuoteCalculation(
    FxQuoteError Error,
    UInt128 BuyAmount,
    UInt128 FeeAmount,
    UInt128 RateNumerator,
    UInt128 RateDenominator);
