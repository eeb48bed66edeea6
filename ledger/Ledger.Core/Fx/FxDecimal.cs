namespace Ledger.Core.Fx;

/// <summary>
/// An exact positive decimal: <see cref="Mantissa"/> / 10^<see cref="Scale"/>. FX rates are written as
/// decimal strings and kept this way, never as floating point. Parsing and formatting live in
/// <see cref="FxDecimalText"/>.
/// </summary>
public readonly record struct FxDecimal(UInt128 Mantissa, byte Scale)
{
    /// <summary>The most fractional digits a rate may have.</summary>
    public const byte ScaleMax = 18;

    /// <summary>The most digits a rate may have in all (integer and fraction).</summary>
    public const int DigitsMax = 30;
}
