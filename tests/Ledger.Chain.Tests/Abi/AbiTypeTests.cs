using Ledger.Chain.Abi;

namespace Ledger.Chain.Tests.Abi;

public class AbiTypeTests
{
    [Theory]
    [InlineData("uint", "uint256", false, 32)]
    [InlineData("int", "int256", false, 32)]
    [InlineData("uint8", "uint8", false, 32)]
    [InlineData("int64", "int64", false, 32)]
    [InlineData("address", "address", false, 32)]
    [InlineData("bool", "bool", false, 32)]
    [InlineData("bytes1", "bytes1", false, 32)]
    [InlineData("bytes32", "bytes32", false, 32)]
    [InlineData("bytes", "bytes", true, 32)]
    [InlineData("string", "string", true, 32)]
    [InlineData("uint[]", "uint256[]", true, 32)]
    [InlineData("bytes32[3]", "bytes32[3]", false, 96)]
    [InlineData("string[2]", "string[2]", true, 32)]
    [InlineData("uint8[2][3]", "uint8[2][3]", false, 192)]
    [InlineData("(uint64,bytes32,uint64)", "(uint64,bytes32,uint64)", false, 96)]
    [InlineData("(uint, (bool,string)[] items) ", "(uint256,(bool,string)[])", true, 32)]
    [InlineData("(address,(bytes4,int8)[2])[]", "(address,(bytes4,int8)[2])[]", true, 32)]
    [InlineData("()", "()", false, 0)]
    public void Parses_to_the_canonical_name(string text, string canonical, bool dynamic, int headSize)
    {
        var type = AbiType.Parse(text);
        Assert.Equal(canonical, type.CanonicalName);
        Assert.Equal(dynamic, type.IsDynamic);
        Assert.Equal(headSize, type.HeadSize);
        Assert.Equal(type, AbiType.Parse(canonical));
    }

    [Fact]
    public void Nesting_is_read_from_the_right()
    {
        // uint8[2][3] is three arrays of two: the last suffix is the outermost.
        var type = AbiType.Parse("uint8[2][3]");
        Assert.Equal(AbiKind.FixedArray, type.Kind);
        Assert.Equal(3, type.Length);
        Assert.Equal(2, type.Element!.Length);
        Assert.Equal(AbiKind.UInt, type.Element.Element!.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("uint7")]
    [InlineData("uint264")]
    [InlineData("uint0")]
    [InlineData("uint08")]
    [InlineData("int512")]
    [InlineData("bytes0")]
    [InlineData("bytes33")]
    [InlineData("byte")]
    [InlineData("fixed128x18")]
    [InlineData("function")]
    [InlineData("uint256[0]")]
    [InlineData("uint256[01]")]
    [InlineData("uint256[-1]")]
    [InlineData("uint256[")]
    [InlineData("uint256]")]
    [InlineData("(uint256")]
    [InlineData("(uint256,)")]
    [InlineData("(uint256 a, bool a)")]
    [InlineData("uint256 extra")]
    [InlineData("Uint256")]
    public void Refuses_invalid_types(string text)
    {
        Assert.Throws<FormatException>(() => AbiType.Parse(text));
    }

    [Fact]
    public void Function_signatures_carry_names_and_canonicalise()
    {
        var anchor = AbiFunction.Parse("anchor(uint64 seq, bytes32 root, bytes32[] leaves)", "(uint64,bytes32,uint64)");
        Assert.Equal("anchor(uint64,bytes32,bytes32[])", anchor.Signature);
        Assert.Equal(["seq", "root", "leaves"], anchor.Inputs.Select(p => p.Name));
        Assert.Equal(["uint64", "bytes32", "uint64"], anchor.OutputTypes.Select(t => t.CanonicalName));
        Assert.Equal(["uint256"], AbiFunction.Parse("f()", "uint").OutputTypes.Select(t => t.CanonicalName));
        Assert.Equal(["(uint256,bool)"], AbiFunction.Parse("f()", "((uint,bool))").OutputTypes.Select(t => t.CanonicalName));
        Assert.Equal(["bool", "bytes"], AbiFunction.Parse("f()", ["bool", "bytes"]).OutputTypes.Select(t => t.CanonicalName));
        Assert.Empty(AbiFunction.Parse("f()").OutputTypes);
    }

    [Theory]
    [InlineData("(uint256)")]
    [InlineData("1f(uint256)")]
    [InlineData("f(uint256 indexed a)")]
    [InlineData("f(uint256")]
    [InlineData("f(uint256) x")]
    public void Refuses_invalid_function_signatures(string text)
    {
        Assert.Throws<FormatException>(() => AbiFunction.Parse(text));
    }
}
