using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Tests.Abi;

// The worked examples of the Solidity ABI specification (docs/abi-spec.rst: "Examples" and "Use of Dynamic Types"),
// with the exact calldata the spec prints. Each is encoded, then decoded back to the same values.
public class AbiSpecExamplesTests
{
    private static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    [Fact]
    public void Baz_uint32_bool()
    {
        var baz = AbiFunction.Parse("baz(uint32 x, bool y)", "(bool r)");
        var calldata = baz.EncodeCall(69u, true);
        Assert.Equal(
            "0xcdcd77c0"
            + "0000000000000000000000000000000000000000000000000000000000000045"
            + "0000000000000000000000000000000000000000000000000000000000000001",
            Hex.ToHex(calldata));
        Assert.Equal([new BigInteger(69), true], baz.DecodeCall(calldata));
        // "If, for example, it were to return false, its output would be the single byte array 0x00...00".
        Assert.Equal([false], baz.DecodeOutput(new byte[32]));
    }

    [Fact]
    public void Bar_bytes3_fixed_array()
    {
        var bar = AbiFunction.Parse("bar(bytes3[2])");
        // One argument that is itself an array: wrapped, or params would spread it into two arguments.
        var calldata = bar.EncodeCall([new object[] { Ascii("abc"), Ascii("def") }]);
        Assert.Equal(
            "0xfce353f6"
            + "6162630000000000000000000000000000000000000000000000000000000000"
            + "6465660000000000000000000000000000000000000000000000000000000000",
            Hex.ToHex(calldata));
        var decoded = (object?[])bar.DecodeCall(calldata)[0]!;
        Assert.Equal(Ascii("abc"), decoded[0]);
        Assert.Equal(Ascii("def"), decoded[1]);
    }

    [Fact]
    public void Sam_bytes_bool_uint_array()
    {
        var sam = AbiFunction.Parse("sam(bytes,bool,uint[])");
        Assert.Equal("sam(bytes,bool,uint256[])", sam.Signature);
        var calldata = sam.EncodeCall(Ascii("dave"), true, new object[] { 1, 2, 3 });
        Assert.Equal(
            "0xa5643bf2"
            + "0000000000000000000000000000000000000000000000000000000000000060"
            + "0000000000000000000000000000000000000000000000000000000000000001"
            + "00000000000000000000000000000000000000000000000000000000000000a0"
            + "0000000000000000000000000000000000000000000000000000000000000004"
            + "6461766500000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000000000000000000000000000000000003"
            + "0000000000000000000000000000000000000000000000000000000000000001"
            + "0000000000000000000000000000000000000000000000000000000000000002"
            + "0000000000000000000000000000000000000000000000000000000000000003",
            Hex.ToHex(calldata));
        var decoded = sam.DecodeCall(calldata);
        Assert.Equal(Ascii("dave"), decoded[0]);
        Assert.Equal(true, decoded[1]);
        Assert.Equal([new BigInteger(1), new BigInteger(2), new BigInteger(3)], (object?[])decoded[2]!);
    }

    [Fact]
    public void F_with_dynamic_types()
    {
        var f = AbiFunction.Parse("f(uint,uint32[],bytes10,bytes)");
        var calldata = f.EncodeCall(0x123, new object[] { 0x456, 0x789 }, Ascii("1234567890"), Ascii("Hello, world!"));
        Assert.Equal(
            "0x8be65246"
            + "0000000000000000000000000000000000000000000000000000000000000123"
            + "0000000000000000000000000000000000000000000000000000000000000080"
            + "3132333435363738393000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000000000000000000000000000000000e0"
            + "0000000000000000000000000000000000000000000000000000000000000002"
            + "0000000000000000000000000000000000000000000000000000000000000456"
            + "0000000000000000000000000000000000000000000000000000000000000789"
            + "000000000000000000000000000000000000000000000000000000000000000d"
            + "48656c6c6f2c20776f726c642100000000000000000000000000000000000000",
            Hex.ToHex(calldata));
        var decoded = f.DecodeCall(calldata);
        Assert.Equal(new BigInteger(0x123), decoded[0]);
        Assert.Equal([new BigInteger(0x456), new BigInteger(0x789)], (object?[])decoded[1]!);
        Assert.Equal(Ascii("1234567890"), decoded[2]);
        Assert.Equal(Ascii("Hello, world!"), decoded[3]);
    }

    [Fact]
    public void G_with_nested_dynamic_arrays_and_strings()
    {
        var g = AbiFunction.Parse("g(uint[][],string[])");
        var calldata = g.EncodeCall(
            new object[] { new object[] { 1, 2 }, new object[] { 3 } },
            new[] { "one", "two", "three" });
        Assert.Equal(
            "0x2289b18c"
            + "0000000000000000000000000000000000000000000000000000000000000040"
            + "0000000000000000000000000000000000000000000000000000000000000140"
            + "0000000000000000000000000000000000000000000000000000000000000002"
            + "0000000000000000000000000000000000000000000000000000000000000040"
            + "00000000000000000000000000000000000000000000000000000000000000a0"
            + "0000000000000000000000000000000000000000000000000000000000000002"
            + "0000000000000000000000000000000000000000000000000000000000000001"
            + "0000000000000000000000000000000000000000000000000000000000000002"
            + "0000000000000000000000000000000000000000000000000000000000000001"
            + "0000000000000000000000000000000000000000000000000000000000000003"
            + "0000000000000000000000000000000000000000000000000000000000000003"
            + "0000000000000000000000000000000000000000000000000000000000000060"
            + "00000000000000000000000000000000000000000000000000000000000000a0"
            + "00000000000000000000000000000000000000000000000000000000000000e0"
            + "0000000000000000000000000000000000000000000000000000000000000003"
            + "6f6e650000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000000000000000000000000000000000003"
            + "74776f0000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000000000000000000000000000000000005"
            + "7468726565000000000000000000000000000000000000000000000000000000",
            Hex.ToHex(calldata));
        var decoded = g.DecodeCall(calldata);
        var outer = (object?[])decoded[0]!;
        Assert.Equal([new BigInteger(1), new BigInteger(2)], (object?[])outer[0]!);
        Assert.Equal([new BigInteger(3)], (object?[])outer[1]!);
        Assert.Equal(["one", "two", "three"], (object?[])decoded[1]!);
    }
}
