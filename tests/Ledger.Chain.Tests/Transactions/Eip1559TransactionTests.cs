using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Encoding;
using Ledger.Chain.Transactions;

namespace Ledger.Chain.Tests.Transactions;

public class Eip1559TransactionTests
{
    private static readonly EthKey Anvil0 = EthKey.FromHex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

    // The EIP-1559 signing vectors of ethereumjs (packages/tx/test/json/eip1559.json): chain id 7822, key 0x8f2a...be63,
    // to 0x...aaaa, no data, empty access list. "signedTransactionRLP" there is the typed transaction wrapped once more as an
    // RLP byte string (the network form), so the raw transaction is that string's payload.
    [Theory]
    [InlineData(819UL, 43203529, 35552UL, 75853, 121212, "0xb87302f870821e8e8203338301284d8301d97c828ae094000000000000000000000000000000000000aaaa8402933bc980c080a0d067f2167008c59219652f91cbf8788dbca5f771f6e91e2b7657e85b78b472e0a01d305af9fe81fdba43f0dfcd400ed24dcace0a7e30d4e85701dcaaf484cd079e")]
    [InlineData(353UL, 61901619, 32593UL, 38850, 136295, "0xb87202f86f821e8e8201618297c283021467827f5194000000000000000000000000000000000000aaaa8403b08b3380c001a004205678f13fc1d7b10feea6513dfa76e24418b6e08097d95c6f93a3b64e536da01d45ad61bfece43862de2cce7d2575a8c1d08c26c87f3cb5f26d7b0be54a91b2")]
    [InlineData(985UL, 32531825, 68541UL, 66377, 136097, "0xb87402f871821e8e8203d983010349830213a183010bbd94000000000000000000000000000000000000aaaa8401f0657180c001a0e6d23c5ecc0f388a4d41a9523c3ad171e98083a61288c340b968dfe0903a6741a07319e8d54a4fd8f0c081d3ce093d869f9df598481991c8534bfd8f2c163884b4")]
    [InlineData(623UL, 21649799, 57725UL, 74140, 81173, "0xb87302f870821e8e82026f8301219c83013d1582e17d94000000000000000000000000000000000000aaaa84014a598780c080a0b107893e4590e177e244493a3f2b59d63619ddd82772105d8c96b7fc85ff683da07dc9b9dc054d2f69f9cc540688f6c0da3b54dd8bd8323f06d0ca26b546a480f1")]
    [InlineData(972UL, 94563383, 65254UL, 42798, 103466, "0xb87202f86f821e8e8203cc82a72e8301942a82fee694000000000000000000000000000000000000aaaa8405a2ec3780c080a02596bfedd3101f7e3c881eec060f83c60617fb21173ff41a560e02c9c23f02f4a01ef1f7930d31081c06dfd2176046a99442a88678638a33eb80afa8d2d3389ee0")]
    [InlineData(588UL, 99359647, 37274UL, 87890, 130273, "0xb87302f870821e8e82024c830157528301fce182919a94000000000000000000000000000000000000aaaa8405ec1b9f80c001a0404a06f2a9ba9d444e59f03e1b4ce46c4d7127342aa287a6e9a910b26ff6cc89a04af28549efdfb3e746938d01c92785e9852eb58c48d6f35cc99961e88f56603a")]
    [InlineData(900UL, 30402257, 76053UL, 8714, 112705, "0xb87302f870821e8e82038482220a8301b8418301291594000000000000000000000000000000000000aaaa8401cfe6d180c080a06e1bc9e4645de8bdad2c60424539c2dd93aacbc06ae94e440629b133a99e9ba7a03d23fdfdd9934c77fe5385a6b4b6c69e84cdec7814a19d81e648b5852ee5f7eb")]
    [InlineData(709UL, 6478043, 28335UL, 86252, 94636, "0xb87202f86f821e8e8202c5830150ec830171ac826eaf94000000000000000000000000000000000000aaaa8362d8db80c001a09880d133cd636f8c8dce32e2c43494b9f2dc000eee8dc61931e09f866ed04b46a00e44d5c503c7f08b36c8b062c32a963f3dd20a71e95e3d903bfbe7f4da47cd47")]
    [InlineData(939UL, 2782905, 45047UL, 45216, 91648, "0xb87102f86e821e8e8203ab82b0a08301660082aff794000000000000000000000000000000000000aaaa832a76b980c001a0a0e7d9b07c7ec68f24788a554f993b99d59a3f08439cc6c942f62ea0341f2aeba078122b9957c146f7c87811bd58a7e9916ca8c07dabcf875b97bbdef79cb9c197")]
    [InlineData(119UL, 65456115, 62341UL, 24721, 107729, "0xb87002f86d821e8e778260918301a4d182f38594000000000000000000000000000000000000aaaa8403e6c7f380c001a0e38e239770801eb995498c821e55ac9c19ae09184bb27b34be105e02fe3b7615a067c64ca6bd6d9107e85fd581ab2e70a14b637eb36505bb40861ef9d6e800cab6")]
    public void Ethereumjs_vectors(ulong nonce, long value, ulong gasLimit, long maxPriorityFee, long maxFee, string wrappedRaw)
    {
        var key = EthKey.FromHex("0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63");
        var tx = new Eip1559Transaction(7822, nonce, maxPriorityFee, maxFee, gasLimit, Address.Parse("0x000000000000000000000000000000000000aaaa"), value, []);
        var expectedRaw = Rlp.Decode(Hex.FromHex(wrappedRaw)).Bytes;
        Assert.Equal(Hex.ToHex(expectedRaw), tx.Sign(key).RawHex);
    }

    [Fact]
    public void Raw_transaction_decodes_to_the_fields_and_recovers_the_sender()
    {
        var tx = new Eip1559Transaction(
            ChainId: 31337,
            Nonce: 7,
            MaxPriorityFeePerGas: 1_000_000_000,
            MaxFeePerGas: 30_000_000_000,
            GasLimit: 120_000,
            To: Address.Parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
            Value: 0,
            Data: Hex.FromHex("0xa9059cbb000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"));
        var signed = tx.Sign(Anvil0);

        Assert.Equal(0x02, signed.Raw[0]);
        Assert.Equal(Keccak256.Hash(signed.Raw), signed.Hash);
        var fields = Rlp.Decode(signed.Raw.AsSpan(1)).Items;
        Assert.Equal(12, fields.Count);
        Assert.Equal(31337UL, fields[0].ToUInt64());
        Assert.Equal(7UL, fields[1].ToUInt64());
        Assert.Equal(new BigInteger(1_000_000_000), fields[2].ToBigInteger());
        Assert.Equal(new BigInteger(30_000_000_000), fields[3].ToBigInteger());
        Assert.Equal(120_000UL, fields[4].ToUInt64());
        Assert.Equal(tx.To!.Value.ToArray(), fields[5].Bytes);
        Assert.Equal(BigInteger.Zero, fields[6].ToBigInteger());
        Assert.Equal(tx.Data, fields[7].Bytes);
        Assert.True(fields[8].IsList);
        Assert.Empty(fields[8].Items);

        // The signing hash is keccak(0x02 || rlp(first nine fields)); yParity, r, s recover the sender.
        byte[] unsigned = [0x02, .. Rlp.EncodeList([.. fields.Take(9).Select(Rlp.Encode)])];
        Assert.Equal(tx.SigningHash(), Keccak256.Hash(unsigned));
        var yParity = (int)fields[9].ToUInt64();
        Assert.InRange(yParity, 0, 1);
        var signature = new Signature(Pad32(fields[10].Bytes), Pad32(fields[11].Bytes), yParity);
        Assert.Equal(Anvil0.Address, EthKey.Recover(tx.SigningHash(), signature));
    }

    [Fact]
    public void Contract_creation_writes_an_empty_recipient()
    {
        var tx = new Eip1559Transaction(1, 0, 1, 2, 1_000_000, null, 0, [0x60, 0x00]);
        var fields = Rlp.Decode(tx.Sign(Anvil0).Raw.AsSpan(1)).Items;
        Assert.Empty(fields[5].Bytes);
        Assert.False(fields[5].IsList);
    }

    [Fact]
    public void Different_fields_give_different_signing_hashes()
    {
        var tx = new Eip1559Transaction(1, 0, 1, 2, 21000, Address.Zero, 1, []);
        var hashes = new[]
        {
            tx, tx with { ChainId = 2 }, tx with { Nonce = 1 }, tx with { MaxPriorityFeePerGas = 2 }, tx with { MaxFeePerGas = 3 },
            tx with { GasLimit = 21001 }, tx with { To = null }, tx with { Value = 2 }, tx with { Data = [0] },
        }.Select(t => Hex.ToHex(t.SigningHash())).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
    }

    private static byte[] Pad32(byte[] minimal) => [.. new byte[32 - minimal.Length], .. minimal];
}
