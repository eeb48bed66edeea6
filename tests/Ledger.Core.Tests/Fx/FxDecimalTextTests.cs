using Ledger.Core.Fx;

namespace Ledger.Core.Tests.Fx;

public sealed class FxDecimalTextTests
{
    public static TheoryData<string, ulong, byte> Accepted => new()
    {
        { "1", 1, 0 },
        { "150", 150, 0 },
        { "1.5", 15, 1 },
        { "1.50", 15, 1 },
        { "2.000", 2, 0 },
        { "0.92", 92, 2 },
        { "0.0067", 67, 4 },
        { "007.25", 725, 2 },
        { "000.5", 5, 1 },
        { "10.01", 1001, 2 },
        { "100", 100, 0 },
        { "0.000000000000000001", 1, 18 },
        { "1.000000000000000001", 1_000_000_000_000_000_001, 18 },

        // Zeros dropped by normalisation do not count against the limits: this is 1.5.
        { "1.5000000000000000000", 15, 1 },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepts_and_normalises(string text, ulong mantissa, byte scale)
    {
        Assert.True(FxDecimalText.TryParse(text, out var value));
        Assert.Equal(new FxDecimal(mantissa, scale), value);
    }

    public static TheoryData<string?> Refused => new()
    {
        null,
        "",
        "1,5",
        "1,000",
        "-1",
        "+1",
        "1e5",
        "1E5",
        "0",
        "000",
        "0.000",
        " 1",
        "1 ",
        "1.",
        ".5",
        ".",
        "1..5",
        "1.2.3",
        "0x10",
        "NaN",
        "∞",
        "1_000",

        // 19 fractional digits, the last not zero.
        "0.0000000000000000001",
        "1.1234567890123456789",

        // 31 significant digits.
        "1234567890123456789012345678901",
        "1234567890123.456789012345678901",
        "123456789012345.6789012345678901",

        // Digits that are not ASCII: Arabic-Indic one, fullwidth one, Devanagari five.
        "\u0661",
        "\uFF11",
        "1.\u096B",
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refuses(string? text)
    {
        Assert.False(FxDecimalText.TryParse(text, out var value));
        Assert.Equal(default, value);
    }

    [Fact]
    public void Accepts_exactly_thirty_significant_digits_and_eighteen_fractional_digits()
    {
        // 30 digits: 12 integer and 18 fraction.
        Assert.True(FxDecimalText.TryParse("123456789012.345678901234567890", out var value));
        Assert.Equal(new FxDecimal(UInt128.Parse("12345678901234567890123456789", System.Globalization.CultureInfo.InvariantCulture), 17), value);

        Assert.True(FxDecimalText.TryParse("123456789012.345678901234567891", out value));
        Assert.Equal(new FxDecimal(UInt128.Parse("123456789012345678901234567891", System.Globalization.CultureInfo.InvariantCulture), 18), value);

        // 30 nines, no fraction; leading zeros before them are ignored.
        Assert.True(FxDecimalText.TryParse("000" + new string('9', 30), out value));
        Assert.Equal(new FxDecimal(UInt128.Parse(new string('9', 30), System.Globalization.CultureInfo.InvariantCulture), 0), value);

        // A value below one: only the digits from the first non-zero one count.
        Assert.True(FxDecimalText.TryParse("0.000000000000000123", out value));
        Assert.Equal(new FxDecimal(123, 18), value);
    }

    [Theory]
    [InlineData(1UL, 0, "1")]
    [InlineData(15UL, 1, "1.5")]
    [InlineData(67UL, 4, "0.0067")]
    [InlineData(150UL, 0, "150")]
    [InlineData(150UL, 2, "1.5")]
    [InlineData(100UL, 2, "1")]
    [InlineData(1UL, 18, "0.000000000000000001")]
    [InlineData(1001UL, 2, "10.01")]
    public void Formats_canonically(ulong mantissa, byte scale, string expected)
    {
        Assert.Equal(expected, FxDecimalText.Format(new FxDecimal(mantissa, scale)));
    }

    [Fact]
    public void Format_refuses_a_scale_above_the_maximum()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FxDecimalText.Format(new FxDecimal(1, 19)));
    }

    [Theory]
    [InlineData("1.50", "1.5")]
    [InlineData("2.000", "2")]
    [InlineData("007.250", "7.25")]
    [InlineData("0.0067", "0.0067")]
    [InlineData("151.37", "151.37")]
    [InlineData("999999999999.999999999999999999", "999999999999.999999999999999999")]
    public void Parse_then_format_gives_the_canonical_text_and_parses_back_to_the_same_value(string text, string canonical)
    {
        Assert.True(FxDecimalText.TryParse(text, out var value));
        Assert.Equal(canonical, FxDecimalText.Format(value));
        Assert.True(FxDecimalText.TryParse(canonical, out var again));
        Assert.Equal(value, again);
    }

    [Theory]
    [InlineData(23UL, 25UL, 6, "0.92")]
    [InlineData(4577UL, 5000UL, 10, "0.9154")]
    [InlineData(25UL, 27UL, 6, "0.925925")]
    [InlineData(2UL, 3UL, 4, "0.6666")]
    [InlineData(1UL, 3UL, 0, "0")]
    [InlineData(0UL, 7UL, 6, "0")]
    [InlineData(1UL, 1000UL, 2, "0")]
    [InlineData(6039663UL, 40000UL, 8, "150.991575")]
    [InlineData(15137UL, 100UL, 1, "151.3")]
    [InlineData(300UL, 100UL, 5, "3")]
    public void Fraction_is_truncated_and_trimmed(ulong numerator, ulong denominator, int digits, string expected)
    {
        Assert.Equal(expected, FxDecimalText.FormatFraction(numerator, denominator, digits));
    }

    [Fact]
    public void Fraction_of_the_largest_values()
    {
        Assert.Equal("1", FxDecimalText.FormatFraction(UInt128.MaxValue, UInt128.MaxValue, 18));
        Assert.Equal(UInt128.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), FxDecimalText.FormatFraction(UInt128.MaxValue, 1, 18));

        // 1 / MaxValue ≈ 2.9 × 10^-39: zero at 38 digits, first digit at 39.
        Assert.Equal("0", FxDecimalText.FormatFraction(1, UInt128.MaxValue, 38));
        Assert.Equal("0." + new string('0', 38) + "2", FxDecimalText.FormatFraction(1, UInt128.MaxValue, 39));
    }

    [Fact]
    public void Fraction_refuses_a_zero_denominator_and_a_digit_count_out_of_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>("denominator", () => FxDecimalText.FormatFraction(1, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>("fractionalDigits", () => FxDecimalText.FormatFraction(1, 3, -1));
        Assert.Throws<ArgumentOutOfRangeException>("fractionalDigits", () => FxDecimalText.FormatFraction(1, 3, FxDecimalText.FractionalDigitsMax + 1));
        Assert.Equal("0." + new string('3', FxDecimalText.FractionalDigitsMax), FxDecimalText.FormatFraction(1, 3, FxDecimalText.FractionalDigitsMax));
    }
}
