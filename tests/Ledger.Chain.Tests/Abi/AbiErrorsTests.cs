using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Tests.Abi;

public class AbiErrorsTests
{
    [Fact]
    public void Builtin_selectors()
    {
        // Error(string) is 0x08c379a0 and Panic(uint256) 0x4e487b71 (Solidity docs, "Panic via assert and Error via require").
        Assert.Equal("0x08c379a0", Hex.ToHex(AbiErrors.Error.Selector));
        Assert.Equal("0x4e487b71", Hex.ToHex(AbiErrors.Panic.Selector));
    }

    [Fact]
    public void Decodes_the_revert_reason_example_of_the_solidity_docs()
    {
        // The revert data the Solidity documentation shows for revert("Not enough Ether provided.").
        var data = Hex.FromHex(
            "0x08c379a0"
            + "0000000000000000000000000000000000000000000000000000000000000020"
            + "000000000000000000000000000000000000000000000000000000000000001a"
            + "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000");
        var decoded = AbiErrors.TryDecode(data);
        Assert.NotNull(decoded);
        Assert.Equal("Error", decoded.Name);
        Assert.Equal("Not enough Ether provided.", decoded.Message);
        Assert.Equal(data, AbiErrors.Error.Encode("Not enough Ether provided."));
    }

    [Fact]
    public void Decodes_panics()
    {
        // Panic code 0x11: arithmetic overflow or underflow.
        var decoded = AbiErrors.TryDecode(AbiErrors.Panic.Encode(0x11));
        Assert.NotNull(decoded);
        Assert.Equal("Panic", decoded.Name);
        Assert.Equal(new BigInteger(0x11), decoded.Arguments[0]);
        Assert.Null(decoded.Message);
    }

    [Fact]
    public void Decodes_known_custom_errors()
    {
        var escrowExists = AbiError.Parse("EscrowExists(bytes32 id)");
        var notOwner = AbiError.Parse("NotOwner(address caller)");
        Assert.Equal("EscrowExists(bytes32)", escrowExists.Signature);
        var id = Enumerable.Repeat((byte)7, 32).ToArray();

        var decoded = AbiErrors.TryDecode(escrowExists.Encode(id), [notOwner, escrowExists]);

        Assert.NotNull(decoded);
        Assert.Same(escrowExists, decoded.Error);
        Assert.Equal(id, decoded.Arguments[0]);
        Assert.Equal("EscrowExists(0x" + string.Concat(Enumerable.Repeat("07", 32)) + ")", decoded.ToString());
    }

    [Fact]
    public void Returns_null_for_unknown_empty_or_malformed_revert_data()
    {
        var escrowExists = AbiError.Parse("EscrowExists(bytes32)");
        Assert.Null(AbiErrors.TryDecode([], [escrowExists]));
        Assert.Null(AbiErrors.TryDecode(Hex.FromHex("0xdeadbeef"), [escrowExists]));
        Assert.Null(AbiErrors.TryDecode(escrowExists.Selector, [escrowExists]));
        Assert.Null(AbiErrors.TryDecode(escrowExists.Encode(new byte[32]), []));
        Assert.Null(AbiErrors.TryDecode(Hex.FromHex("0x08c379a0" + "00000000000000000000000000000000000000000000000000000000000000ff")));
    }
}
