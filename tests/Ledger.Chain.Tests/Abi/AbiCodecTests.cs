using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Tests.Abi;

public class AbiCodecTests
{
    private static IReadOnlyList<AbiType> Types(params string[] names) => [.. names.Select(AbiType.Parse)];

    private static object?[] RoundTrip(IReadOnlyList<AbiType> types, params object?[] values) =>
        AbiCodec.Decode(types, AbiCodec.Encode(types, values));

    [Fact]
    public void Integers_at_their_range_limits_round_trip()
    {
        var max256 = BigInteger.Pow(2, 256) - 1;
        var min256 = -BigInteger.Pow(2, 255);
        var types = Types("uint8", "uint256", "int8", "int8", "int256", "int256", "uint64", "int32");
        var decoded = RoundTrip(types, (byte)255, max256, (sbyte)-128, 127, min256, BigInteger.Pow(2, 255) - 1, ulong.MaxValue, -1);
        Assert.Equal(
            [new BigInteger(255), max256, new BigInteger(-128), new BigInteger(127), min256, BigInteger.Pow(2, 255) - 1, new BigInteger(ulong.MaxValue), BigInteger.MinusOne],
            decoded);
    }

    [Fact]
    public void Negative_integers_are_sign_extended_to_32_bytes()
    {
        Assert.Equal("0x" + new string('f', 64), Hex.ToHex(AbiCodec.Encode(AbiType.Parse("int8"), -1)));
        Assert.Equal("0x" + new string('f', 62) + "80", Hex.ToHex(AbiCodec.Encode(AbiType.Parse("int8"), -128)));
        Assert.Equal("0x8" + new string('0', 63), Hex.ToHex(AbiCodec.Encode(AbiType.Parse("int256"), -BigInteger.Pow(2, 255))));
    }

    [Fact]
    public void Every_accepted_integer_type_encodes_the_same()
    {
        var expected = AbiCodec.Encode(AbiType.Parse("uint128"), new BigInteger(42));
        foreach (var value in new object[] { 42, 42u, 42L, 42UL, (short)42, (ushort)42, (byte)42, (sbyte)42, (UInt128)42, (Int128)42 })
        {
            Assert.Equal(expected, AbiCodec.Encode(AbiType.Parse("uint128"), value));
        }
    }

    [Fact]
    public void Tuples_nested_arrays_and_addresses_round_trip()
    {
        var types = Types("(uint64,bytes32,(address,bool)[])", "string[2]", "bytes[]", "uint8[2][]");
        var address = Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        var root = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        object?[] values =
        [
            new object?[] { 5UL, root, new object?[] { new object?[] { address, true }, new object?[] { Address.Zero, false } } },
            new object?[] { "", "ünïcödé ✓" },
            new object?[] { Array.Empty<byte>(), new byte[31], new byte[32], new byte[33] },
            new object?[] { new object?[] { 1, 2 }, new object?[] { 3, 4 } },
        ];
        var decoded = RoundTrip(types, values);

        var tuple = (object?[])decoded[0]!;
        Assert.Equal(new BigInteger(5), tuple[0]);
        Assert.Equal(root, tuple[1]);
        var pairs = (object?[])tuple[2]!;
        Assert.Equal([address, true], (object?[])pairs[0]!);
        Assert.Equal([Address.Zero, false], (object?[])pairs[1]!);
        Assert.Equal(["", "ünïcödé ✓"], (object?[])decoded[1]!);
        Assert.Equal([0, 31, 32, 33], ((object?[])decoded[2]!).Select(b => ((byte[])b!).Length));
        Assert.Equal([new BigInteger(3), new BigInteger(4)], (object?[])((object?[])decoded[3]!)[1]!);
    }

    [Fact]
    public void Typed_arrays_are_taken_as_lists()
    {
        var hashes = new[] { new byte[32], Enumerable.Repeat((byte)0xab, 32).ToArray() };
        var types = Types("bytes32[]", "uint64[]");
        var decoded = RoundTrip(types, hashes, new List<ulong> { 1, 2, 3 });
        Assert.Equal(hashes, ((object?[])decoded[0]!).Cast<byte[]>());
        Assert.Equal(3, ((object?[])decoded[1]!).Length);
    }

    [Theory]
    [InlineData("uint8", 256)]
    [InlineData("uint8", -1)]
    [InlineData("int8", 128)]
    [InlineData("int8", -129)]
    [InlineData("uint64", -1L)]
    public void Refuses_out_of_range_integers(string type, object value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AbiCodec.Encode(AbiType.Parse(type), value));
    }

    [Fact]
    public void Refuses_values_of_the_wrong_shape()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AbiCodec.Encode(AbiType.Parse("uint256"), BigInteger.Pow(2, 256)));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("uint256"), "1"));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("uint256"), null));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("uint256"), 1.0));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("bool"), 1));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("address"), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("bytes32"), new byte[31]));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("bytes4"), new byte[5]));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("string"), new byte[1]));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("uint8[2]"), new object[] { 1 }));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("uint8[]"), "12"));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(AbiType.Parse("(uint8,bool)"), new object[] { 1 }));
        Assert.Throws<ArgumentException>(() => AbiCodec.Encode(Types("uint8", "bool"), [1]));
    }

    [Fact]
    public void Decoding_is_exact_on_well_formed_output()
    {
        // A getter returning (uint64 seq, bytes32 root, uint64 treeSize).
        var output = Hex.FromHex(
            "0x000000000000000000000000000000000000000000000000000000000000002a"
            + "1111111111111111111111111111111111111111111111111111111111111111"
            + "0000000000000000000000000000000000000000000000000000000000000400");
        var decoded = AbiFunction.Parse("latest()", "(uint64,bytes32,uint64)").DecodeOutput(output);
        Assert.Equal(new BigInteger(42), decoded[0]);
        Assert.Equal(Enumerable.Repeat((byte)0x11, 32), (byte[])decoded[1]!);
        Assert.Equal(new BigInteger(1024), decoded[2]);
    }
}
