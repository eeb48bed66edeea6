using System.Numerics;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Tests.Encoding;

// The examples of the RLP specification (ethereum.org "Recursive-length prefix (RLP) serialization", Examples section,
// the same list as the Ethereum wiki's RLP page), each encoded and decoded back.
public class RlpSpecExamplesTests
{
    private static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    private static RlpItem Str(string text) => RlpItem.FromBytes(Ascii(text));

    [Fact]
    public void The_string_dog()
    {
        AssertBoth(Str("dog"), [0x83, .. Ascii("dog")]);
    }

    [Fact]
    public void The_list_cat_dog()
    {
        AssertBoth(RlpItem.FromList(Str("cat"), Str("dog")), [0xc8, 0x83, .. Ascii("cat"), 0x83, .. Ascii("dog")]);
    }

    [Fact]
    public void The_empty_string_and_the_empty_list()
    {
        AssertBoth(RlpItem.FromBytes([]), [0x80]);
        AssertBoth(RlpItem.FromList(), [0xc0]);
    }

    [Fact]
    public void Integers_zero_fifteen_and_1024()
    {
        Assert.Equal([0x80], Rlp.EncodeUInt(0UL));
        Assert.Equal([0x0f], Rlp.EncodeUInt(15UL));
        Assert.Equal([0x82, 0x04, 0x00], Rlp.EncodeUInt(1024UL));
        Assert.Equal([0x82, 0x04, 0x00], Rlp.EncodeUInt(new BigInteger(1024)));
        Assert.Equal(BigInteger.Zero, Rlp.Decode([0x80]).ToBigInteger());
        Assert.Equal(15UL, Rlp.Decode([0x0f]).ToUInt64());
        Assert.Equal(1024UL, Rlp.Decode([0x82, 0x04, 0x00]).ToUInt64());
    }

    [Fact]
    public void The_encoded_integer_zero_byte()
    {
        // The single byte '\x00' is written as itself.
        AssertBoth(RlpItem.FromBytes([0x00]), [0x00]);
    }

    [Fact]
    public void The_set_theoretical_representation_of_three()
    {
        var empty = RlpItem.FromList();
        var one = RlpItem.FromList(empty);
        var three = RlpItem.FromList(empty, one, RlpItem.FromList(empty, one));
        AssertBoth(three, [0xc7, 0xc0, 0xc1, 0xc0, 0xc3, 0xc0, 0xc1, 0xc0]);
    }

    [Fact]
    public void The_56_byte_lorem_ipsum_string_takes_the_long_form()
    {
        var text = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
        Assert.Equal(56, text.Length);
        AssertBoth(Str(text), [0xb8, 0x38, .. Ascii(text)]);
        Assert.Equal([0xb8, 0x38, .. Ascii(text)], Rlp.EncodeString(text));
    }

    private static void AssertBoth(RlpItem item, byte[] encoded)
    {
        Assert.Equal(encoded, Rlp.Encode(item));
        Assert.Equal(item, Rlp.Decode(encoded));
    }
}
