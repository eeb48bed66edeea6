using System.Numerics;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Tests.Encoding;

public class RlpTests
{
    [Fact]
    public void Length_boundaries_round_trip()
    {
        foreach (var length in new[] { 0, 1, 55, 56, 255, 256, 65535, 65536 })
        {
            var bytes = new byte[length];
            Array.Fill(bytes, (byte)0x90);
            var encoded = Rlp.EncodeBytes(bytes);
            var expectedHeader = length switch
            {
                < 56 => 1,
                < 256 => 2,
                < 65536 => 3,
                _ => 4,
            };
            Assert.Equal(length + expectedHeader, encoded.Length);
            Assert.Equal(bytes, Rlp.Decode(encoded).Bytes);

            var list = Rlp.EncodeList(encoded);
            Assert.Equal(bytes, Rlp.Decode(list).Items.Single().Bytes);
        }
    }

    [Fact]
    public void Single_bytes_at_and_above_0x80_get_a_prefix()
    {
        Assert.Equal([0x7f], Rlp.EncodeBytes([0x7f]));
        Assert.Equal([0x81, 0x80], Rlp.EncodeBytes([0x80]));
        Assert.Equal([0x81, 0xff], Rlp.EncodeBytes([0xff]));
    }

    [Fact]
    public void Large_integers_are_minimal_big_endian()
    {
        var value = BigInteger.Pow(2, 256) - 1;
        var encoded = Rlp.EncodeUInt(value);
        Assert.Equal(33, encoded.Length);
        Assert.Equal(0xa0, encoded[0]);
        Assert.Equal(value, Rlp.Decode(encoded).ToBigInteger());
        Assert.Equal([0x81, 0x80], Rlp.EncodeUInt(128UL));
        Assert.Equal([0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], Rlp.EncodeUInt(ulong.MaxValue));
    }

    [Fact]
    public void Negative_integers_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rlp.EncodeUInt(BigInteger.MinusOne));
    }

    [Fact]
    public void Nested_lists_round_trip_through_items()
    {
        var item = RlpItem.FromList(
            RlpItem.FromBytes([1, 2, 3]),
            RlpItem.FromList(RlpItem.FromBytes([]), RlpItem.FromList()),
            RlpItem.FromBytes(new byte[100]));
        var decoded = Rlp.Decode(Rlp.Encode(item));
        Assert.Equal(item, decoded);
        Assert.True(decoded.IsList);
        Assert.False(decoded.Items[0].IsList);
        Assert.Throws<InvalidOperationException>(() => decoded.Bytes);
        Assert.Throws<InvalidOperationException>(() => decoded.Items[0].Items);
    }

    [Theory]
    // Trailing bytes after the item.
    [InlineData("8361626300")]
    [InlineData("c000")]
    // A single byte below 0x80 written as a one-byte string.
    [InlineData("8100")]
    [InlineData("817f")]
    // Long form for a length below 56.
    [InlineData("b80161")]
    [InlineData("f80180")]
    // Length of length with a leading zero byte.
    [InlineData("b90038" + "6161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161")]
    // Truncated: payload shorter than claimed, length bytes missing, nothing at all.
    [InlineData("8361")]
    [InlineData("b8")]
    [InlineData("c3c0")]
    [InlineData("")]
    // A list whose payload ends inside an item.
    [InlineData("c283616263")]
    // A length that no input can hold.
    [InlineData("bfffffffffffffffff")]
    public void Refuses_non_canonical_or_malformed_input(string hex)
    {
        Assert.Throws<FormatException>(() => Rlp.Decode(Hex.FromHex(hex)));
    }

    [Fact]
    public void Refuses_integers_with_leading_zero_bytes()
    {
        Assert.Throws<FormatException>(() => Rlp.Decode([0x82, 0x00, 0x01]).ToBigInteger());
        Assert.Throws<FormatException>(() => Rlp.Decode([0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0]).ToUInt64());
    }

    [Fact]
    public void Refuses_nesting_deeper_than_the_bound_without_overflowing_the_stack()
    {
        // 2,000 nested single-item lists, built from the inside out with minimal headers.
        var payload = new List<byte> { 0xc0 };
        for (var i = 0; i < 2000; i++)
        {
            payload.InsertRange(0, Header(payload.Count));
        }
        Assert.Throws<FormatException>(() => Rlp.Decode([.. payload]));

        static byte[] Header(int length) => length < 56
            ? [(byte)(0xc0 + length)]
            : length < 256 ? [0xf8, (byte)length] : [0xf9, (byte)(length >> 8), (byte)length];
    }
}
