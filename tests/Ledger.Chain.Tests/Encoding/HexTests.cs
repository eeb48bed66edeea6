using System.Numerics;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Tests.Encoding;

public class HexTests
{
    [Fact]
    public void Writes_lowercase_with_or_without_prefix()
    {
        Assert.Equal("0x00ff0a", Hex.ToHex([0x00, 0xff, 0x0a]));
        Assert.Equal("00ff0a", Hex.ToHex([0x00, 0xff, 0x0a], prefix: false));
        Assert.Equal("0x", Hex.ToHex([]));
    }

    [Theory]
    [InlineData("0x00FFaB", new byte[] { 0x00, 0xff, 0xab })]
    [InlineData("00ffab", new byte[] { 0x00, 0xff, 0xab })]
    [InlineData("0X0a", new byte[] { 0x0a })]
    [InlineData("0x", new byte[0])]
    [InlineData("", new byte[0])]
    public void Reads_bytes(string text, byte[] expected)
    {
        Assert.Equal(expected, Hex.FromHex(text));
    }

    [Theory]
    [InlineData("0x123")]
    [InlineData("abc")]
    [InlineData("0xgg")]
    [InlineData("0x 0")]
    [InlineData("0x0x00")]
    public void Refuses_bad_hex(string text)
    {
        Assert.Throws<FormatException>(() => Hex.FromHex(text));
    }

    // The JSON-RPC quantity examples of the Ethereum execution API spec: 0x41 (65), 0x400 (1024), 0x0 (zero).
    [Theory]
    [InlineData(0UL, "0x0")]
    [InlineData(65UL, "0x41")]
    [InlineData(1024UL, "0x400")]
    [InlineData(ulong.MaxValue, "0xffffffffffffffff")]
    public void Quantities_have_no_leading_zeros(ulong value, string expected)
    {
        Assert.Equal(expected, Hex.ToQuantity(value));
        Assert.Equal(new BigInteger(value), Hex.ParseQuantity(expected));
    }

    [Fact]
    public void Quantities_beyond_64_bits_and_with_the_high_bit_set_stay_positive()
    {
        var big = BigInteger.Pow(2, 255) + 0x80;
        Assert.Equal(big, Hex.ParseQuantity(Hex.ToQuantity(big)));
        Assert.Equal(new BigInteger(0x80), Hex.ParseQuantity("0x80"));
        Assert.Equal(new BigInteger(0xff), Hex.ParseQuantity("0xFF"));
    }

    [Theory]
    [InlineData("0x")]
    [InlineData("41")]
    [InlineData("0xz1")]
    [InlineData("0x-1")]
    public void Refuses_bad_quantities(string text)
    {
        Assert.Throws<FormatException>(() => Hex.ParseQuantity(text));
    }

    [Fact]
    public void Refuses_negative_quantities_and_oversized_uint64()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Hex.ToQuantity(BigInteger.MinusOne));
        Assert.Throws<FormatException>(() => Hex.ParseQuantityUInt64("0x10000000000000000"));
        Assert.Equal(ulong.MaxValue, Hex.ParseQuantityUInt64("0xffffffffffffffff"));
    }
}
