using System.Globalization;
using System.Numerics;

namespace Ledger.Core.Fx;

/// <summary>
/// The one text form of an <see cref="FxDecimal"/>: ASCII digits with at most one decimal point between
/// digits ("150", "1.5", "0.0067"). No sign, exponent, grouping, whitespace or culture: a rate that is
/// written any other way is refused rather than guessed at.
/// </summary>
public static class FxDecimalText
{
    /// <summary>
    /// The most fractional digits <see cref="FormatFraction"/> writes. It bounds the work (a power of ten
    /// of this size) and is far beyond any currency's minor unit or any rate's scale.
    /// </summary>
    public const int FractionalDigitsMax = 64;

    /// <summary>
    /// Reads <c>digits</c> or <c>digits.digits</c> (ASCII 0-9 only). The value must be above zero and, once
    /// normalised (leading integer zeros and trailing fractional zeros dropped, so "1.50" is mantissa 15,
    /// scale 1 and "2.000" is mantissa 2, scale 0), have at most <see cref="FxDecimal.ScaleMax"/> fractional
    /// digits and at most <see cref="FxDecimal.DigitsMax"/> significant digits. The limits apply to the value
    /// the text denotes, so zeros that normalisation drops never make a text too long.
    /// </summary>
    /// <returns>False, with <paramref name="value"/> default, for any text outside that form.</returns>
    public static bool TryParse(string? text, out FxDecimal value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var point = text.IndexOf('.', StringComparison.Ordinal);
        var integerPart = point < 0 ? text.AsSpan() : text.AsSpan(0, point);
        var fractionPart = point < 0 ? ReadOnlySpan<char>.Empty : text.AsSpan(point + 1);

        // A point needs digits on both sides: ".5" and "1." are refused, and so is a second point,
        // because it is not a digit.
        if (integerPart.IsEmpty || (point >= 0 && fractionPart.IsEmpty))
        {
            return false;
        }

        if (!AllAsciiDigits(integerPart) || !AllAsciiDigits(fractionPart))
        {
            return false;
        }

        fractionPart = fractionPart.TrimEnd('0');
        if (fractionPart.Length > FxDecimal.ScaleMax)
        {
            return false;
        }

        integerPart = integerPart.TrimStart('0');

        // The significant digits run from the first non-zero digit of the integer and fraction written
        // together to the last kept fractional digit.
        var significantDigits = integerPart.IsEmpty
            ? fractionPart.TrimStart('0').Length
            : integerPart.Length + fractionPart.Length;
        if (significantDigits == 0 || significantDigits > FxDecimal.DigitsMax)
        {
            return false;
        }

        // At most DigitsMax (30) digits: below 10^30, far inside UInt128, so the accumulation cannot overflow.
        var mantissa = UInt128.Zero;
        foreach (var digit in integerPart)
        {
            mantissa = (mantissa * 10) + (uint)(digit - '0');
        }

        foreach (var digit in fractionPart)
        {
            mantissa = (mantissa * 10) + (uint)(digit - '0');
        }

        value = new FxDecimal(mantissa, (byte)fractionPart.Length);
        return true;
    }

    /// <summary>
    /// The canonical text of <paramref name="value"/>: no trailing fractional zeros, no point when there is
    /// no fraction, a single "0" before the point of a value below one ("1.5", "0.0067", "150").
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale is above <see cref="FxDecimal.ScaleMax"/>.</exception>
    public static string Format(FxDecimal value)
    {
        if (value.Scale > FxDecimal.ScaleMax)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value.Scale, $"An FX decimal has at most {FxDecimal.ScaleMax} fractional digits.");
        }

        return WithPoint(value.Mantissa.ToString(CultureInfo.InvariantCulture), value.Scale);
    }

    /// <summary>
    /// <paramref name="numerator"/> / <paramref name="denominator"/> as decimal text, rounded down (truncated)
    /// to at most <paramref name="fractionalDigits"/> fractional digits, trailing zeros dropped: 23/25 with
    /// six digits is "0.92", not "0.920000"; a result of zero is "0", never "0.0".
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="denominator"/> is zero, or <paramref name="fractionalDigits"/> is outside 0 to
    /// <see cref="FractionalDigitsMax"/>.
    /// </exception>
    public static string FormatFraction(UInt128 numerator, UInt128 denominator, int fractionalDigits)
    {
        if (denominator == UInt128.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), "The denominator of a fraction cannot be zero.");
        }

        if (fractionalDigits is < 0 or > FractionalDigitsMax)
        {
            throw new ArgumentOutOfRangeException(nameof(fractionalDigits), fractionalDigits, $"Between 0 and {FractionalDigitsMax} fractional digits.");
        }

        // Exact: numerator × 10^digits / denominator in arbitrary precision, then one truncation.
        var scaled = ((BigInteger)numerator * BigInteger.Pow(10, fractionalDigits)) / (BigInteger)denominator;
        return WithPoint(scaled.ToString(CultureInfo.InvariantCulture), fractionalDigits);
    }

    /// <summary>Places a point <paramref name="scale"/> digits from the right of a non-negative integer's digits, then trims.</summary>
    private static string WithPoint(string digits, int scale)
    {
        if (scale == 0)
        {
            return digits;
        }

        var padded = digits.PadLeft(scale + 1, '0');
        var integer = padded[..^scale];
        var fraction = padded[^scale..].TrimEnd('0');
        return fraction.Length == 0 ? integer : $"{integer}.{fraction}";
    }

    private static bool AllAsciiDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
