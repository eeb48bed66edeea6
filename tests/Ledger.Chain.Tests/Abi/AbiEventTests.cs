using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Tests.Abi;

public class AbiEventTests
{
    [Fact]
    public void Topic0_of_erc20_transfer()
    {
        // keccak256("Transfer(address,address,uint256)"), the ERC-20 Transfer topic every explorer shows.
        var transfer = AbiEvent.Parse("Transfer(address indexed from, address indexed to, uint256 value)");
        Assert.Equal("Transfer(address,address,uint256)", transfer.Signature);
        Assert.Equal("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef", Hex.ToHex(transfer.Topic0));
    }

    [Fact]
    public void Decodes_indexed_topics_and_data()
    {
        var anchored = AbiEvent.Parse("Anchored(uint64 indexed seq,uint64 treeSize,bytes32 root)");
        Assert.Equal(Keccak256.Hash("Anchored(uint64,uint64,bytes32)"), anchored.Topic0);
        var root = Enumerable.Repeat((byte)0x5a, 32).ToArray();
        var seqTopic = AbiCodec.Encode(AbiType.Parse("uint64"), 9UL);
        var data = AbiCodec.Encode([AbiType.Parse("uint64"), AbiType.Parse("bytes32")], [1000UL, root]);

        var decoded = anchored.Decode([anchored.Topic0, seqTopic], data);

        Assert.Equal(new BigInteger(9), decoded["seq"]);
        Assert.Equal(new BigInteger(1000), decoded["treeSize"]);
        Assert.Equal(root, decoded["root"]);
    }

    [Fact]
    public void Indexed_dynamic_values_come_back_as_their_hash_and_unnamed_parameters_by_position()
    {
        var e = AbiEvent.Parse("Named(string indexed, address indexed who, bytes note)");
        var nameHash = Keccak256.Hash("alice");
        var who = Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        var whoTopic = AbiCodec.Encode(AbiType.AddressType, who);
        var data = AbiCodec.Encode(AbiType.BytesType, new byte[] { 1, 2, 3 });

        var decoded = e.Decode([e.Topic0, nameHash, whoTopic], data);

        Assert.Equal(nameHash, decoded["0"]);
        Assert.Equal(who, decoded["who"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, decoded["note"]);
    }

    [Fact]
    public void Refuses_logs_that_do_not_match()
    {
        var anchored = AbiEvent.Parse("Anchored(uint64 indexed seq,uint64 treeSize,bytes32 root)");
        var data = AbiCodec.Encode([AbiType.Parse("uint64"), AbiType.Parse("bytes32")], [1UL, new byte[32]]);
        var seqTopic = AbiCodec.Encode(AbiType.Parse("uint64"), 1UL);
        Assert.Throws<FormatException>(() => anchored.Decode([anchored.Topic0], data));
        Assert.Throws<FormatException>(() => anchored.Decode([Keccak256.Hash("Other()"), seqTopic], data));
        Assert.Throws<FormatException>(() => anchored.Decode([anchored.Topic0, new byte[31]], data));
        // A topic whose value does not fit uint64.
        Assert.Throws<FormatException>(() => anchored.Decode([anchored.Topic0, Enumerable.Repeat((byte)0xff, 32).ToArray()], data));
        Assert.Throws<FormatException>(() => anchored.Decode([anchored.Topic0, seqTopic], data[..32]));
    }

    [Fact]
    public void Refuses_more_than_three_indexed_parameters()
    {
        Assert.Throws<FormatException>(() => AbiEvent.Parse("E(uint8 indexed a, uint8 indexed b, uint8 indexed c, uint8 indexed d)"));
    }
}
