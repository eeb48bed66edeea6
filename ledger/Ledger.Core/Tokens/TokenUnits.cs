namespace Ledger.Core.Tokens;

/// <summary>
/// Converts a ledger amount (minor units of a currency with <c>scale</c> decimals) to a token's base units
/// (<c>decimals</c>), exactly or not at all: more token decimals multiply by a power of ten (null when
/// that overflows 128 bits); fewer divide, and only an amount that divides exactly converts (a payout
/// never rounds money away).
/// </summary>
public static class TokenUnits
{
    /// <summary>Decimals beyond this cannot be represented in 128 bits anyway (10^38 &lt; 2^128 &lt; 10^39).</summary>
    public const byte DecimalsMax = 38;

    public static UInt128? FromLedger(UInt128 amount, byte scale, byte decimals)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, DecimalsMax);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, DecimalsMax);
        if (decimals >= scale)
        {
            var factor = Power(decimals - scale);
            return amount > UInt128.MaxValue / factor ? null : amount * factor;
        }

        var divisor = Power(scale - decimals);
        return amount % divisor == UInt128.Zero ? amount / divisor : null;
    }

    private static UInt128 Power(int exponent)
    {
        var value = UInt128.One;
        for (var i = 0; i < exponent; i++)
        {
            value *= 10;
        }

        return value;
    }
}
