using Ledger.Chain.Abi;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Tests.Abi;

// Malformed ABI data: each case is well-formed but for one word, and must be refused with FormatException.
public class AbiDecodeRefusalTests
{
    private const string Zero = "0000000000000000000000000000000000000000000000000000000000000000";
    private const string One = "0000000000000000000000000000000000000000000000000000000000000001";

    private static string Word(string hexTail) => hexTail.PadLeft(64, '0');

    [Theory]
    // uint32 with a bit above 32 bits set.
    [InlineData("uint32", "0000000000000000000000000000000000000000000000000000000100000000")]
    // int8: 128 is not sign-extended -128, and a negative int8 must have every high byte 0xff.
    [InlineData("int8", "0000000000000000000000000000000000000000000000000000000000000080")]
    [InlineData("int8", "ff000000000000000000000000000000000000000000000000000000000000ff")]
    // bool that is neither 0 nor 1.
    [InlineData("bool", "0000000000000000000000000000000000000000000000000000000000000002")]
    [InlineData("bool", "0100000000000000000000000000000000000000000000000000000000000001")]
    // address with a non-zero byte in its 12 high bytes.
    [InlineData("address", "000000000000000000000001f39fd6e51aad88f6f4ce6ab8827279cfffb92266")]
    // bytes3 with non-zero padding.
    [InlineData("bytes3", "6162636400000000000000000000000000000000000000000000000000000000")]
    // Truncated: a static word shorter than 32 bytes, nothing at all.
    [InlineData("uint256", "00000000000000000000000000000000000000000000000000000000000001")]
    [InlineData("uint256", "")]
    public void Refuses_bad_static_words(string type, string hex)
    {
        Assert.Throws<FormatException>(() => AbiCodec.Decode(AbiType.Parse(type), Hex.FromHex(hex)));
    }

    [Fact]
    public void Refuses_an_offset_past_the_data()
    {
        Assert.Throws<FormatException>(() => AbiCodec.Decode(AbiType.Parse("bytes"), Hex.FromHex(Word("40") + Zero)));
        Assert.Throws<FormatException>(() => AbiCodec.Decode(AbiType.Parse("bytes"), Hex.FromHex("ff" + Zero[2..] + Zero)));
    }

    [Fact]
    public void Refuses_a_length_past_the_data()
    {
        // bytes of claimed length 33 with only one padded word after the length.
        Assert.Throws<FormatException>(() => AbiCodec.Decode(AbiType.Parse("bytes"), Hex.FromHex(Word("20") + Word("21") + Zero)));
        // An array claiming 2^64 elements.
        Assert.Throws<FormatException>(() => AbiCodec.Decode(AbiType.Parse("uint256[]"), Hex.FromHex(Word("20") + Word("10000000000000000") + One)));
        // An array claiming 3 elements with 2 present.
        Assert.Throws<FormatException>(() => AbiCodec.Decode(AbiType.Parse("uint256[]"), Hex.FromHex(Word("20") + Word("3") + One + One)));
    }

    [Fact]
    public void Refuses_a_missing_padding_word_or_non_zero_padding()
    {
        // "dave" without its padded word.
        Assert.Throws<FormatException>(() => AbiCodec.Decode(AbiType.Parse("bytes"), Hex.FromHex(Word("20") + Word("4") + "64617665")));
        // "dave" with a stray byte in the padding.
        Assert.Throws<FormatException>(() => AbiCodec.Decode(AbiType.Parse("string"), Hex.FromHex(Word("20") + Word("4") + "64617665" + "01".PadRight(56, '0'))));
        // The same, well-formed, decodes.
        Assert.Equal("dave", AbiCodec.Decode(AbiType.Parse("string"), Hex.FromHex(Word("20") + Word("4") + "64617665".PadRight(64, '0'))));
    }

    [Fact]
    public void Refuses_invalid_utf8_in_a_string()
    {
        Assert.Throws<FormatException>(() => AbiCodec.Decode(AbiType.Parse("string"), Hex.FromHex(Word("20") + Word("2") + "c328".PadRight(64, '0'))));
    }

    [Fact]
    public void Refuses_calldata_for_another_function()
    {
        var baz = AbiFunction.Parse("baz(uint32,bool)");
        var calldata = baz.EncodeCall(69, true);
        calldata[0] ^= 1;
        Assert.Throws<FormatException>(() => baz.DecodeCall(calldata));
        Assert.Throws<FormatException>(() => baz.DecodeCall([0xcd, 0xcd]));
    }

    [Fact]
    public void Refuses_heads_shorter_than_the_types_need()
    {
        Assert.Throws<FormatException>(() => AbiCodec.Decode([AbiType.Parse("uint256"), AbiType.Parse("bool")], Hex.FromHex(One)));
        Assert.Throws<FormatException>(() => AbiCodec.Decode(AbiType.Parse("bytes32[2]"), Hex.FromHex(One)));
    }
}
