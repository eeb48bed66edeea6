using System.Globalization;
using System.Numerics;

namespace Ledger.Chain.Encoding;

/// <summary>Hex text as Ethereum writes it: byte strings ("0x" + two lowercase digits a byte) and quantities (JSON-RPC integers).</summary>
public static class Hex
{
    public static string ToHex(ReadOnlySpan<byte> bytes, bool prefix = true) =>
        prefix ? "0x" + Convert.ToHexStringLower(bytes) : Convert.ToHexStringLower(bytes);

    /// <summary>Bytes from hex digits, with or without "0x"; an odd number of digits or a non-hex character is refused.</summary>
    public static byte[] FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var digits = StripPrefix(hex);
        if (digits.Length % 2 != 0)
        {
            throw new FormatException($"Hex byte string has an odd number of digits ({digits.Length}).");
        }
        RequireHexDigits(digits);
        return Convert.FromHexString(digits);
    }

    /// <summary>A JSON-RPC quantity: "0x" then the number's hex digits without leading zeros, "0x0" for zero.</summary>
    public static string ToQuantity(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A quantity cannot be negative.");
        }
        if (value.IsZero)
        {
            return "0x0";
        }
        return "0x" + Convert.ToHexStringLower(value.ToByteArray(isUnsigned: true, isBigEndian: true)).TrimStart('0');
    }

    public static string ToQuantity(ulong value) => ToQuantity(new BigInteger(value));

    /// <summary>
    /// Reads a JSON-RPC quantity. The "0x" prefix and at least one digit are required; leading zeros are
    /// tolerated on read (the spec forbids writing them, but a reader gains nothing by refusing them).
    /// </summary>
    public static BigInteger ParseQuantity(string quantity)
    {
        ArgumentNullException.ThrowIfNull(quantity);
        if (!quantity.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"Quantity '{quantity}' lacks the 0x prefix.");
        }
        var digits = quantity.AsSpan(2);
        if (digits.IsEmpty)
        {
            throw new FormatException("Quantity '0x' has no digits.");
        }
        RequireHexDigits(digits);
        // A leading 0 keeps the parse unsigned: without it "0x80" would read as a negative two's-complement byte.
        return BigInteger.Parse("0" + digits.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    public static ulong ParseQuantityUInt64(string quantity)
    {
        var value = ParseQuantity(quantity);
        if (value > ulong.MaxValue)
        {
            throw new FormatException($"Quantity {quantity} does not fit 64 bits.");
        }
        return (ulong)value;
    }

    private static string StripPrefix(string hex) =>
        hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;

    private static void RequireHexDigits(ReadOnlySpan<char> digits)
    {
        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                throw new FormatException($"'{c}' is not a hex digit.");
            }
        }
    }
}
